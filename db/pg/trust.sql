-- The trust part of a trust's PostgreSQL schema: run once by
-- `assetctl trust init`, as the database's owner (a role with CREATEROLE,
-- no superuser), on an empty database, before the numbered migrations.
--
-- It makes what the migrations' tables rely on: the case-insensitive
-- collation, the four group roles of this trust (named after the database,
-- so that two trusts can share a cluster), the trust's own tables (schools,
-- grants, schema_migrations, audit_before), the functions the row-level
-- security policies call, the procedure each migration calls to protect a
-- table it creates (assetctl_protect), and the trust functions that add
-- schools and grant and revoke roles.
--
-- A row of a register table belongs to one school (school_id; 0 is the
-- trust itself, its own audit chain). A role sees the rows of the schools
-- it holds a grant for (in the table grants, directly or through a role it
-- is a member of), or of every school when it holds a trust-wide grant;
-- narrowed to the connection's school (the setting assetctl.school) when
-- that is set, unless assetctl.all_schools is 'on'. It writes only the
-- connection's school, and only as technician, head or admin there (an
-- authorisation of a disposal: head or admin). The owner owns every table
-- and is not subject to row-level security (ENABLE, not FORCE).

CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

-- The group roles: <db>_technician, <db>_head (a technician who may also
-- authorise disposals), <db>_admin (trust-wide: every school, and the trust
-- functions), <db>_auditor (reads only). Only their members connect.
DO $$
DECLARE
  db text := current_database();
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['technician', 'head', 'auditor', 'admin'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = db || '_' || r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', db || '_' || r);
    END IF;
  END LOOP;
  EXECUTE format('GRANT %I TO %I', db || '_technician', db || '_head');
  EXECUTE format('GRANT %I TO %I', db || '_head', db || '_admin');
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', db);
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I, %I, %I, %I', db,
                 db || '_technician', db || '_head', db || '_auditor', db || '_admin');
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- The schema version: one row per migration step, the same numbers and
-- names as the SQLite register's (the engine writes them).
CREATE TABLE schema_migrations (
  version    int PRIMARY KEY,
  name       text NOT NULL,
  applied_at text NOT NULL
);

-- The schools of the trust. Ids from 1 (0 is the trust itself); a code and
-- a tag prefix name one school only.
CREATE TABLE schools (
  id         bigint PRIMARY KEY CHECK (id >= 1),
  code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{2,10}$'),
  name       text NOT NULL CHECK (name <> ''),
  tag_prefix text NOT NULL UNIQUE CHECK (tag_prefix ~ '^[A-Z0-9][A-Z0-9-]{0,11}$'),
  created_at text NOT NULL
);

-- Who may do what where: a login (or any role) holds at most one role per
-- school, and at most one trust-wide role (school_id NULL: admin or
-- auditor). Written only through trust_grant() and trust_revoke().
CREATE TABLE grants (
  db_role    text NOT NULL,
  school_id  bigint REFERENCES schools (id),
  role       text NOT NULL CHECK (role IN ('technician', 'head', 'auditor', 'admin')),
  granted_at text NOT NULL,
  granted_by text NOT NULL,
  CHECK (CASE WHEN school_id IS NULL THEN role IN ('admin', 'auditor') ELSE role <> 'admin' END)
);
CREATE UNIQUE INDEX grants_role_school ON grants (db_role, coalesce(school_id, 0));

-- The owner runs assetctl as <db>_admin (the engine's SET ROLE), so that
-- row-level security narrows its commands to their school as everyone
-- else's; its own psql sessions are not narrowed. The admin group role
-- itself holds the trust-wide admin grant.
DO $$
DECLARE
  db text := current_database();
BEGIN
  EXECUTE format('GRANT %I TO %I', db || '_admin', current_user);
  INSERT INTO grants (db_role, school_id, role, granted_at, granted_by)
    VALUES (db || '_admin', NULL, 'admin', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), current_user);
END
$$;

-- Before-images of covered rows for the write check (audit.c): filled by
-- the capture trigger of every covered table while the connection has
-- assetctl.capture 'on', read and deleted by the engine; a connection sees
-- only its own (backend pid). Unlogged: nothing in it outlives a
-- transaction that matters.
CREATE UNLOGGED TABLE audit_before (
  pid   integer NOT NULL DEFAULT pg_backend_pid(),
  seq   bigint GENERATED ALWAYS AS IDENTITY,
  tbl   text NOT NULL,
  rowid bigint NOT NULL,
  row   jsonb NOT NULL
);
CREATE INDEX audit_before_pid ON audit_before (pid, seq);

-- UTC time as the register writes it (2026-01-31T12:00:00Z).
CREATE FUNCTION assetctl_now() RETURNS text
  LANGUAGE sql STABLE SET search_path = pg_catalog
  AS $$ SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- The schools `who` holds one of `roles` at: every school and 0 (the
-- trust) for a trust-wide grant. `who` is the caller's current_user (the
-- policies pass it: inside a SECURITY DEFINER function current_user is the
-- owner); a session may only ask about a role it is a member of.
CREATE FUNCTION assetctl_granted_schools(who name, roles text[]) RETURNS bigint[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
BEGIN
  IF NOT pg_has_role(session_user, who, 'MEMBER') THEN
    RETURN '{}';
  END IF;
  IF EXISTS (SELECT 1 FROM public.grants g JOIN pg_roles r ON r.rolname = g.db_role
             WHERE g.school_id IS NULL AND g.role = ANY (roles) AND pg_has_role(who, r.oid, 'MEMBER')) THEN
    RETURN ARRAY(SELECT 0::bigint UNION ALL SELECT s.id FROM public.schools s);
  END IF;
  RETURN ARRAY(SELECT DISTINCT g.school_id FROM public.grants g JOIN pg_roles r ON r.rolname = g.db_role
               WHERE g.school_id IS NOT NULL AND g.role = ANY (roles) AND pg_has_role(who, r.oid, 'MEMBER'));
END
$$;

-- The schools whose rows `who` sees now: its granted schools, narrowed to
-- the connection's school when assetctl.school is set (unless
-- assetctl.all_schools is 'on').
CREATE FUNCTION assetctl_read_schools(who name) RETURNS bigint[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  s text := nullif(current_setting('assetctl.school', true), '');
  g bigint[] := public.assetctl_granted_schools(who, ARRAY['technician', 'head', 'auditor', 'admin']);
BEGIN
  IF s IS NULL OR current_setting('assetctl.all_schools', true) = 'on' THEN
    RETURN g;
  END IF;
  IF s ~ '^[0-9]{1,18}$' AND s::bigint = ANY (g) THEN
    RETURN ARRAY[s::bigint];
  END IF;
  RETURN '{}';
END
$$;

-- The school `who` may write now: the connection's school, when it holds a
-- writing role there (need 'head': head or admin; else technician, head or
-- admin). Empty when assetctl.school is not set.
CREATE FUNCTION assetctl_write_schools(who name, need text) RETURNS bigint[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  s text := nullif(current_setting('assetctl.school', true), '');
  roles text[] := CASE need WHEN 'head' THEN ARRAY['head', 'admin'] ELSE ARRAY['technician', 'head', 'admin'] END;
BEGIN
  IF s IS NOT NULL AND s ~ '^[0-9]{1,18}$' AND s::bigint = ANY (public.assetctl_granted_schools(who, roles)) THEN
    RETURN ARRAY[s::bigint];
  END IF;
  RETURN '{}';
END
$$;

-- The audit log is append-only (audit_events, audit_rows).
CREATE FUNCTION assetctl_append_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END
$$;

-- Before-image capture (every covered table, BEFORE UPDATE OR DELETE;
-- TG_ARGV[0] the table's key column). A row this transaction has already
-- written (inserted it, or changed it: its first image is taken) is its
-- own, as on SQLite: the version being replaced was made by this
-- transaction (its xmin is ours), and no image is taken.
CREATE FUNCTION assetctl_capture() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $$
DECLARE
  mine boolean;
BEGIN
  IF current_setting('assetctl.capture', true) = 'on' THEN
    EXECUTE format('SELECT t.xmin = pg_current_xact_id()::xid FROM public.%I t WHERE t.school_id = ($1).school_id AND t.%I = ($1).%I',
                   TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[0])
      INTO mine USING OLD;
    IF mine IS NOT TRUE THEN
      INSERT INTO public.audit_before (tbl, rowid, row) VALUES (TG_TABLE_NAME, OLD.rowid, to_jsonb(OLD));
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;

-- What every register table gets, called by the migration that creates
-- it: row-level security and its policies, the group roles' privileges,
-- the trigger giving a new row its key (`assign`: 'id' or 'rowid', max+1
-- within the row's school when NULL; NULL: the key is given, as wipe_id),
-- and, when the audit log covers the table, the before-image capture.
CREATE PROCEDURE assetctl_protect(tbl text, assign text, covered boolean)
  LANGUAGE plpgsql SET search_path = pg_catalog, public
  AS $protect$
DECLARE
  db text := current_database();
  need text := CASE WHEN tbl = 'authorisations' THEN 'head' ELSE 'technician' END;
  w text;
BEGIN
  w := format('school_id = ANY ((SELECT public.assetctl_write_schools(current_user, %L))::bigint[])', need);
  EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('CREATE POLICY school_read ON public.%I FOR SELECT '
                 'USING (school_id = ANY ((SELECT public.assetctl_read_schools(current_user))::bigint[]))', tbl);
  EXECUTE format('CREATE POLICY school_insert ON public.%I FOR INSERT WITH CHECK (%s)', tbl, w);
  EXECUTE format('CREATE POLICY school_update ON public.%I FOR UPDATE USING (%s) WITH CHECK (%s)', tbl, w, w);
  EXECUTE format('CREATE POLICY school_delete ON public.%I FOR DELETE USING (%s)', tbl, w);
  -- head and admin inherit the technician's privileges
  EXECUTE format('GRANT SELECT ON public.%I TO %I, %I', tbl, db || '_technician', db || '_auditor');
  IF tbl IN ('audit_events', 'audit_rows') THEN
    EXECUTE format('GRANT INSERT ON public.%I TO %I', tbl, db || '_technician');
  ELSIF need = 'head' THEN
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON public.%I TO %I', tbl, db || '_head');
  ELSE
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON public.%I TO %I', tbl, db || '_technician');
  END IF;
  IF assign IS NOT NULL THEN
    -- one function per table (a static query, planned once): the writer
    -- holds its school's advisory lock, so max+1 is safe. The plan is made
    -- while the table is still nearly empty: only the backward scan of the
    -- key (school_id, key) is left to it, since any other (a scan of the
    -- table or of another index, then a sort) costs each row of an import
    -- of n rows a scan of the n
    EXECUTE format($f$CREATE OR REPLACE FUNCTION public.%I() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public SET enable_seqscan = off
        SET enable_bitmapscan = off SET enable_sort = off SET enable_incremental_sort = off
      AS $b$
BEGIN
  IF NEW.%I IS NULL THEN
    NEW.%I := coalesce((SELECT t.%I FROM public.%I t WHERE t.school_id = NEW.school_id ORDER BY t.%I DESC LIMIT 1), 0) + 1;
  END IF;
  RETURN NEW;
END
$b$
$f$, tbl || '_key', assign, assign, assign, tbl, assign);
    EXECUTE format('REVOKE ALL ON FUNCTION public.%I() FROM PUBLIC', tbl || '_key');
    -- called only for a row without its key: a row given one (an
    -- import's batches, a school moved in) costs no function call
    EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON public.%I FOR EACH ROW WHEN (NEW.%I IS NULL) EXECUTE FUNCTION public.%I()',
                   tbl || '_key', tbl, assign, tbl || '_key');
  END IF;
  IF covered THEN
    -- the key the capture finds the row by: the assigned one, else
    -- wipe_id (wipe_digests, wipe_firmware: one row per wipe)
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON public.%I FOR EACH ROW EXECUTE FUNCTION public.assetctl_capture(%L)',
                   tbl || '_before', tbl, coalesce(assign, 'wipe_id'));
  END IF;
END
$protect$;
REVOKE ALL ON PROCEDURE assetctl_protect(text, text, boolean) FROM PUBLIC;

-- Row-level security on the trust's own tables.
ALTER TABLE schema_migrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone ON schema_migrations FOR SELECT USING (true);
ALTER TABLE schools ENABLE ROW LEVEL SECURITY;
CREATE POLICY granted ON schools FOR SELECT
  USING (id = ANY ((SELECT assetctl_granted_schools(current_user, ARRAY['technician', 'head', 'auditor', 'admin']))::bigint[]));
ALTER TABLE grants ENABLE ROW LEVEL SECURITY;
-- a role sees its own grants; a trust-wide admin or auditor sees all
CREATE POLICY own_or_trust_wide ON grants FOR SELECT
  USING (0 = ANY ((SELECT assetctl_granted_schools(current_user, ARRAY['auditor', 'admin']))::bigint[])
         OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = db_role AND pg_has_role(current_user, r.oid, 'MEMBER')));
ALTER TABLE audit_before ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_backend ON audit_before USING (pid = pg_backend_pid()) WITH CHECK (pid = pg_backend_pid());

DO $$
DECLARE
  db text := current_database();
BEGIN
  EXECUTE format('GRANT SELECT ON schema_migrations, schools, grants TO %I, %I', db || '_technician', db || '_auditor');
  EXECUTE format('GRANT SELECT, INSERT, DELETE ON audit_before TO %I', db || '_technician');
END
$$;

-- Trust functions (owner and <db>_admin).

-- A new school: its id (max+1 from 1).
CREATE FUNCTION trust_school_add(code text, name text, tag_prefix text) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE
  prefix text := upper(trust_school_add.tag_prefix);
  other text;
  new_id bigint;
BEGIN
  IF trust_school_add.code IS NULL OR trust_school_add.code !~ '^[A-Z0-9]{2,10}$' THEN
    RAISE EXCEPTION 'school code ''%'': use 2 to 10 capital letters or digits', trust_school_add.code
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF trust_school_add.name IS NULL OR btrim(trust_school_add.name) = '' THEN
    RAISE EXCEPTION 'school ''%'': give the school''s name', trust_school_add.code
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF prefix IS NULL OR prefix !~ '^[A-Z0-9][A-Z0-9-]{0,11}$' THEN
    RAISE EXCEPTION 'tag prefix ''%'': use 1 to 12 letters, digits or ''-''', trust_school_add.tag_prefix
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  LOCK TABLE public.schools IN EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM public.schools s WHERE s.code = trust_school_add.code) THEN
    RAISE EXCEPTION 'school ''%'' already exists', trust_school_add.code USING ERRCODE = 'unique_violation';
  END IF;
  SELECT s.code INTO other FROM public.schools s WHERE s.tag_prefix = prefix;
  IF FOUND THEN
    RAISE EXCEPTION 'tag prefix ''%'' is already school ''%''''s', prefix, other USING ERRCODE = 'unique_violation';
  END IF;
  SELECT coalesce(max(s.id), 0) + 1 INTO new_id FROM public.schools s;
  INSERT INTO public.schools (id, code, name, tag_prefix, created_at)
    VALUES (new_id, trust_school_add.code, trust_school_add.name, prefix, public.assetctl_now());
  RETURN new_id;
END
$$;

-- Give db_role a role at a school (school_code NULL: trust-wide, admin or
-- auditor only), and make it a member of the role's group role.
CREATE FUNCTION trust_grant(db_role text, school_code text, role text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE
  db text := current_database();
  sid bigint;
  held text;
  is_super boolean;
BEGIN
  IF trust_grant.role IS NULL OR trust_grant.role NOT IN ('technician', 'head', 'auditor', 'admin') THEN
    RAISE EXCEPTION 'role ''%'': use technician, head, auditor or admin', trust_grant.role
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT r.rolsuper INTO is_super FROM pg_roles r WHERE r.rolname = trust_grant.db_role;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'database role ''%'': no such role', trust_grant.db_role USING ERRCODE = 'undefined_object';
  END IF;
  IF is_super OR trust_grant.db_role = (SELECT pg_get_userbyid(d.datdba) FROM pg_database d WHERE d.datname = db) THEN
    RAISE EXCEPTION 'database role ''%'': the trust''s owner and superusers are not subject to row-level security', trust_grant.db_role
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF trust_grant.db_role IN (db || '_technician', db || '_head', db || '_auditor', db || '_admin') THEN
    RAISE EXCEPTION 'database role ''%'': it is one of the trust''s group roles', trust_grant.db_role
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF trust_grant.school_code IS NULL THEN
    IF trust_grant.role NOT IN ('admin', 'auditor') THEN
      RAISE EXCEPTION 'role ''%'' is held at a school: name the school', trust_grant.role
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
  ELSE
    IF trust_grant.role = 'admin' THEN
      RAISE EXCEPTION 'role ''admin'' is trust-wide: grant it without a school' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT s.id INTO sid FROM public.schools s WHERE s.code = trust_grant.school_code;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'school ''%'': no such school in the trust', trust_grant.school_code USING ERRCODE = 'undefined_object';
    END IF;
  END IF;
  LOCK TABLE public.grants IN EXCLUSIVE MODE;
  SELECT g.role INTO held FROM public.grants g WHERE g.db_role = trust_grant.db_role AND g.school_id IS NOT DISTINCT FROM sid;
  IF FOUND THEN
    IF sid IS NULL THEN
      RAISE EXCEPTION 'database role ''%'' already holds the trust-wide role ''%'': revoke it first', trust_grant.db_role, held
        USING ERRCODE = 'unique_violation';
    END IF;
    RAISE EXCEPTION 'database role ''%'' already holds the role ''%'' at school ''%'': revoke it first',
      trust_grant.db_role, held, trust_grant.school_code USING ERRCODE = 'unique_violation';
  END IF;
  INSERT INTO public.grants (db_role, school_id, role, granted_at, granted_by)
    VALUES (trust_grant.db_role, sid, trust_grant.role, public.assetctl_now(), session_user);
  EXECUTE format('GRANT %I TO %I', db || '_' || trust_grant.role, trust_grant.db_role);
END
$$;

-- Take away db_role's role at a school (school_code NULL: its trust-wide
-- role); its membership of the group role goes with its last such grant.
CREATE FUNCTION trust_revoke(db_role text, school_code text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE
  db text := current_database();
  sid bigint;
  held text;
BEGIN
  IF trust_revoke.school_code IS NOT NULL THEN
    SELECT s.id INTO sid FROM public.schools s WHERE s.code = trust_revoke.school_code;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'school ''%'': no such school in the trust', trust_revoke.school_code USING ERRCODE = 'undefined_object';
    END IF;
  END IF;
  LOCK TABLE public.grants IN EXCLUSIVE MODE;
  DELETE FROM public.grants g WHERE g.db_role = trust_revoke.db_role AND g.school_id IS NOT DISTINCT FROM sid
    RETURNING g.role INTO held;
  IF NOT FOUND THEN
    IF sid IS NULL THEN
      RAISE EXCEPTION 'database role ''%'' holds no trust-wide role', trust_revoke.db_role USING ERRCODE = 'undefined_object';
    END IF;
    RAISE EXCEPTION 'database role ''%'' holds no role at school ''%''', trust_revoke.db_role, trust_revoke.school_code
      USING ERRCODE = 'undefined_object';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.grants g WHERE g.db_role = trust_revoke.db_role AND g.role = held)
     AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = trust_revoke.db_role) THEN
    EXECUTE format('REVOKE %I FROM %I', db || '_' || held, trust_revoke.db_role);
  END IF;
END
$$;

DO $$
DECLARE
  db text := current_database();
BEGIN
  EXECUTE 'REVOKE ALL ON FUNCTION trust_school_add(text, text, text), trust_grant(text, text, text), '
          'trust_revoke(text, text) FROM PUBLIC';
  EXECUTE format('GRANT EXECUTE ON FUNCTION trust_school_add(text, text, text), trust_grant(text, text, text), '
                 'trust_revoke(text, text) TO %I', db || '_admin');
END
$$;
