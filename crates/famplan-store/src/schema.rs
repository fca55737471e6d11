//! The store's tables, its identity (`application_id`) and its forward migrations
//! (`user_version`).

use crate::StoreError;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// `PRAGMA application_id` of a famplan store: the bytes `FmPl`.
pub(crate) const APPLICATION_ID: i64 = 0x466D_506C;

/// The schema version this build writes; [`MIGRATIONS`] has one step per version.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// One schema step: SQL, then (when given) a step in Rust over the same transaction.
type Step = (&'static str, Option<fn(&Connection) -> Result<(), StoreError>>);

/// `MIGRATIONS[v]` takes a store from version `v` to `v + 1`. Steps are only ever added.
const MIGRATIONS: [Step; 4] = [(V1, None), (V2, Some(crate::rows::migrate_rows_to_chunks)), (V3, None), (V4, None)];

/// Version 1: the event log, the snapshot rows, the conflicts.
const V1: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
) WITHOUT ROWID;
-- Bumped by every write: a cached registry is current while it matches.
INSERT INTO meta (key, value) VALUES ('generation', 0);

-- The append-only event log. `seq` orders arrival and is the sync watermark.
CREATE TABLE events (
    id          TEXT PRIMARY KEY NOT NULL,
    seq         INTEGER NOT NULL UNIQUE,
    date        TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    kind        TEXT NOT NULL,
    person      TEXT,
    json        TEXT NOT NULL
);
CREATE INDEX events_by_person ON events (person) WHERE person IS NOT NULL;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- The snapshot rows (DOMAIN §15) as famplan::io::write_snapshot writes them, in file order
-- (rowid), so the registry reloads through famplan::io::SnapshotBuilder.
CREATE TABLE areas (
    grid_id      TEXT PRIMARY KEY NOT NULL,
    zone_id      TEXT NOT NULL,
    community_id TEXT NOT NULL
);
CREATE TABLE households (
    household_id TEXT PRIMARY KEY NOT NULL,
    grid_id      TEXT NOT NULL,
    kind         TEXT NOT NULL
);
CREATE TABLE persons (
    person_id            TEXT PRIMARY KEY NOT NULL,
    household_id         TEXT NOT NULL,
    grid_id              TEXT NOT NULL,
    sex                  TEXT NOT NULL,
    birth_date           TEXT NOT NULL,
    marital_status       TEXT NOT NULL,
    residency            TEXT NOT NULL,
    case_file            INTEGER NOT NULL,
    contraceptive_method TEXT,
    method_start         TEXT,
    last_birth_date      TEXT,
    name                 TEXT,
    id_number            TEXT,
    phone                TEXT,
    marital_since        TEXT,
    residency_since      TEXT,
    case_file_opened     TEXT,
    tags                 TEXT
);
CREATE TABLE visits (
    visit_id  TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL,
    date      TEXT NOT NULL,
    kind      TEXT NOT NULL
);

-- Events kept in the log that do not apply (DOMAIN §5), as of the last write.
CREATE TABLE conflicts (
    event_id TEXT PRIMARY KEY NOT NULL REFERENCES events (id),
    reason   TEXT NOT NULL
) WITHOUT ROWID;
CREATE VIEW conflict_events AS
    SELECT e.seq, e.id, e.date, e.kind, e.person, c.reason
    FROM conflicts c JOIN events e ON e.id = c.event_id
    ORDER BY e.seq;
";

/// Version 2: the snapshot rows move into compact chunks of up to `rows::CHUNK_ROWS` rows
/// each (one blob per chunk instead of one indexed row per snapshot row): a 1M-person
/// import writes a few hundred blobs, and a reload reads them without decoding every column
/// of every row in SQLite. The Rust step moves the version 1 rows over and drops their tables.
const V2: &str = "
CREATE TABLE snapshot_chunks (
    id        INTEGER PRIMARY KEY,
    tbl       TEXT NOT NULL CHECK (tbl IN ('areas', 'households', 'persons', 'visits')),
    first_row INTEGER NOT NULL,
    rows      INTEGER NOT NULL,
    data      BLOB NOT NULL
);
";

/// Version 3: a checkpoint of the folded state (`famplan::Checkpoint`, postcard-encoded):
/// the snapshot rows and the events up to `seq`. Reading the state for rates and work
/// lists decodes it and applies the few events after it, instead of replaying the whole
/// log. Derived data: it may be missing or stale, and is rebuilt from the rows and events;
/// every write that changes the snapshot rows deletes it.
const V3: &str = "
CREATE TABLE checkpoint (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    state BLOB NOT NULL
);
";

/// Version 4: the community's settings, by key (`policy`: its birth policy as TOML text,
/// see `settings.rs`).
const V4: &str = "
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;
";

/// Refuses what is not a famplan store before SQLite touches it: a non-empty file must
/// start with the SQLite header.
pub(crate) fn check_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(e)),
    };
    let mut head = Vec::with_capacity(16);
    file.by_ref().take(16).read_to_end(&mut head).map_err(io)?;
    if head.is_empty() || head == b"SQLite format 3\0" {
        Ok(())
    } else {
        Err(StoreError::NotAStore { path: path.to_path_buf(), reason: "not an SQLite database".into() })
    }
}

/// Checks the file's identity and version, creating or migrating the schema as needed.
pub(crate) fn prepare(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let not_a_store = |reason: String| StoreError::NotAStore { path: path.to_path_buf(), reason };
    let read = |conn: &Connection| -> Result<(i64, i64, i64), rusqlite::Error> {
        let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok((app, version, objects))
    };
    let identify = |(app, version, objects): (i64, i64, i64)| -> Result<bool, StoreError> {
        match app {
            APPLICATION_ID if version > SCHEMA_VERSION => {
                Err(StoreError::NewerSchema { path: path.to_path_buf(), found: version, supported: SCHEMA_VERSION })
            }
            APPLICATION_ID => Ok(version < SCHEMA_VERSION),
            0 if objects == 0 => Ok(true),
            0 => {
                Err(not_a_store("an SQLite database of another application (it has no famplan application_id)".into()))
            }
            other => {
                Err(not_a_store(format!("an SQLite database of another application (application_id {other:#010x})")))
            }
        }
    };
    let stamp = read(conn).map_err(|e| match StoreError::from(e) {
        StoreError::Corrupt { reason } => not_a_store(reason),
        other => other,
    })?;
    if !identify(stamp)? {
        return Ok(());
    }
    // Create or migrate under the write lock; another process may have done it meanwhile.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stamp = read(&tx)?;
    if identify(stamp)? {
        let from = if stamp.0 == APPLICATION_ID { stamp.1 } else { 0 };
        for (sql, rust) in &MIGRATIONS[from as usize..] {
            tx.execute_batch(sql)?;
            if let Some(step) = rust {
                step(&tx)?;
            }
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(())
}
