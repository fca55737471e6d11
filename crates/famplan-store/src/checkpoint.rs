//! The checkpoint of the folded state (schema version 3): how a cold open reads the state
//! in milliseconds. It holds a [`famplan::Checkpoint`] of the snapshot rows and the events up
//! to a `seq`; the events after it are applied on top.

use crate::StoreError;
use famplan::{Checkpoint, Registry};
use rusqlite::{Connection, OptionalExtension, params};

/// How many events may follow the checkpoint before a write saves a new one. Catching up
/// costs a JSON parse and an apply per event (a few microseconds each); saving costs an
/// encode of the whole state.
pub(crate) const EVERY: i64 = 1024;

/// The `seq` of the last event the checkpoint folds, if there is one.
pub(crate) fn seq(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row("SELECT seq FROM checkpoint WHERE id = 1", [], |r| r.get(0)).optional()?)
}

/// The highest `seq` of the event log (0 when it is empty).
pub(crate) fn last_seq(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?)
}

/// True when the log has grown by [`EVERY`] events past the checkpoint (or, with none, is
/// that long): only then is a checkpoint worth its bytes. A store of imported ledgers with a
/// short log reads its snapshot rows fast and keeps none (a 1M-person checkpoint is about as
/// large as the rows themselves).
pub(crate) fn due(conn: &Connection) -> Result<bool, StoreError> {
    Ok(last_seq(conn)? - seq(conn)?.unwrap_or(0) >= EVERY)
}

/// Saves `reg`'s state as folding every event of the log.
pub(crate) fn save(conn: &Connection, reg: &Registry) -> Result<(), StoreError> {
    let blob = postcard::to_stdvec(&reg.checkpoint())
        .map_err(|e| StoreError::Corrupt { reason: format!("checkpoint: cannot encode the state: {e}") })?;
    conn.execute(
        "INSERT INTO checkpoint (id, seq, state) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, state = excluded.state",
        params![last_seq(conn)?, blob],
    )?;
    Ok(())
}

/// The state from the checkpoint and the events after it, and how many events that was.
///
/// `None` sends the caller to the full load (rows, then the whole log in canonical order):
/// no checkpoint, one written by another build, or an event after it that does not apply
/// on top (a conflict is decided by the canonical order, which only the full load has).
pub(crate) fn load(conn: &Connection) -> Result<Option<(Registry, i64)>, StoreError> {
    let found: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, state FROM checkpoint WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((seq, blob)) = found else { return Ok(None) };
    let Ok(checkpoint) = postcard::from_bytes::<Checkpoint>(&blob) else { return Ok(None) };
    drop(blob);
    let mut reg = Registry::from_checkpoint(checkpoint);
    crate::settings::apply_policy(conn, &mut reg)?;
    let mut stmt = conn.prepare("SELECT seq, json FROM events WHERE seq > ?1 ORDER BY seq")?;
    let mut rows = stmt.query([seq])?;
    let mut after = 0;
    while let Some(row) = rows.next()? {
        let event = crate::store::parse_event(row.get(0)?, row.get_ref(1)?.as_str()?)?;
        if reg.apply(event).is_err() {
            return Ok(None);
        }
        after += 1;
    }
    Ok(Some((reg, after)))
}
