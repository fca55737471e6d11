//! [`Store`]: one SQLite file holding a community's event log and snapshot rows.

use crate::{StoreError, checkpoint, rows, schema};
use chrono::NaiveDate;
use famplan::io::{EventFormat, ImportMode, ImportSummary, SnapshotBuilder, SnapshotFiles, read_events, read_snapshot};
use famplan::{Event, Location, MergeReport, Registry, Rejection};
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

// Snapshot workbooks in and out (feature `xlsx`): methods of `Store` in their own file.
#[cfg(feature = "xlsx")]
#[path = "xlsx.rs"]
mod xlsx;

/// How long a writer waits for another process's write to finish before giving up with
/// [`StoreError::Busy`].
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A position in a store's event log: events arrive with increasing sequence numbers, so a
/// device that has seen everything up to a watermark asks only for what came after
/// ([`Store::events_after`]). `Watermark::default()` is the beginning of the log.
///
/// # Example
///
/// ```
/// use famplan_store::Watermark;
/// let w: Watermark = "42".parse()?;
/// assert_eq!((w.get(), w.to_string()), (42, "42".to_string()));
/// assert_eq!(Watermark::default().get(), 0);
/// # Ok::<(), std::num::ParseIntError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Watermark(u64);

impl Watermark {
    /// The watermark after the event with sequence number `seq`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan_store::Watermark::new(3).get(), 3);
    /// ```
    pub fn new(seq: u64) -> Watermark {
        Watermark(seq)
    }

    /// The sequence number of the last event seen (0: none).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan_store::Watermark::default().get(), 0);
    /// ```
    pub fn get(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for Watermark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for Watermark {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Watermark, Self::Err> {
        s.trim().parse().map(Watermark)
    }
}

/// How far a long operation has got: `done` of `total` in `stage` (`read`: bytes of the
/// snapshot files parsed and checked; `write`: rows written; `commit`: 0 of 1 before the
/// transaction commits, 1 of 1 after).
///
/// # Example
///
/// ```
/// let p = famplan_store::Progress { stage: "write", done: 5, total: 10 };
/// assert_eq!(p.done * 2, p.total);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// `read`, `write` or `commit`.
    pub stage: &'static str,
    /// Units done.
    pub done: u64,
    /// Units in all (an estimate while reading).
    pub total: u64,
}

/// What a store holds, counted on a date.
///
/// # Example
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let mut store = famplan_store::Store::open(dir.path().join("famplan.db"))?;
/// let s = store.status_on("2026-06-30".parse()?)?;
/// assert_eq!((s.persons, s.events, s.schema_version), (0, 0, 4));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoreStatus {
    /// The date the case files were counted on.
    pub on: NaiveDate,
    /// Households ever registered.
    pub households: usize,
    /// Persons ever registered (any residency).
    pub persons: usize,
    /// Case files open on `on`.
    pub case_files: usize,
    /// Events in the log (applied and conflicting).
    pub events: usize,
    /// Events in the log that do not apply.
    pub conflicts: usize,
    /// The store's schema version.
    pub schema_version: i64,
    /// The latest effective date of any event.
    pub last_event_date: Option<NaiveDate>,
    /// The sync watermark: the sequence number of the newest event.
    pub watermark: Watermark,
}

/// The embedded home of a community's data: one SQLite file (WAL mode) holding the
/// append-only event log, the snapshot rows it started from, and the conflicts.
///
/// Every write is one transaction, checked by the core registry before anything is
/// written: a refused batch, a bad import or a killed process leaves the store as it was.
/// Two ways to add events:
///
/// * [`Store::record`] / [`Store::append`] — this device's own events, with
///   [`Registry::apply`] semantics: an event that contradicts the registry is refused and the
///   whole batch is written or none of it.
/// * [`Store::merge`] / [`Store::import_events`] — another device's log: the union by id;
///   an event that does not fit is kept in the log and reported as a conflict
///   (DOMAIN §5), never dropped.
///
/// # Example
///
/// ```
/// use famplan::{Event, EventKind, Registry};
/// use famplan_store::{Store, Watermark};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("famplan.db");
/// let mut store = Store::open(&path)?;
/// let report = store.merge(Registry::example().events().to_vec())?;
/// assert!(report.conflicts.is_empty());
///
/// // A marriage of a married woman is refused; nothing is written.
/// let again = Event::new("e-x", "2026-08-01".parse()?, "k1", EventKind::Married { person: "p1".into(), spouse: None });
/// assert!(store.record(again).is_err());
///
/// drop(store);
/// let mut store = Store::open(&path)?;
/// assert_eq!(store.load()?, Registry::example());
/// let (events, w) = store.events_after(Watermark::default())?;
/// assert_eq!((events.len() as u64, w.get()), (Registry::example().events().len() as u64, events.len() as u64));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The registry as of `generation` (the `meta` counter every write bumps).
    cache: Option<(i64, Registry)>,
    /// The state without the event log (the checkpoint and the events after it), as of
    /// `generation`: what [`Store::view`] returns when `cache` is not current.
    view: Option<(i64, Registry)>,
    busy_timeout: Duration,
}

impl Store {
    /// Opens the store at `path`, creating it when the file does not exist.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotAStore`] for a file that is not SQLite or belongs to another
    /// application, [`StoreError::NewerSchema`] for a store written by a newer famplan
    /// (left untouched), [`StoreError::Busy`] when another process holds it too long.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let not_sqlite = dir.path().join("notes.txt");
    /// std::fs::write(&not_sqlite, "hello")?;
    /// let err = famplan_store::Store::open(&not_sqlite).unwrap_err();
    /// assert!(err.to_string().ends_with("notes.txt: not a famplan store: not an SQLite database"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::open_with_timeout(path, DEFAULT_BUSY_TIMEOUT)
    }

    /// Like [`Store::open`], waiting at most `busy_timeout` for another writer.
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = famplan_store::Store::open_with_timeout(dir.path().join("f.db"), std::time::Duration::from_millis(50))?;
    /// assert!(store.path().ends_with("f.db"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with_timeout(path: impl AsRef<Path>, busy_timeout: Duration) -> Result<Store, StoreError> {
        let path = path.as_ref().to_path_buf();
        schema::check_header(&path)?;
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(busy_timeout)?;
        schema::prepare(&mut conn, &path)?;
        // Only now that the file is known to be ours is anything about it changed.
        let _: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        // Every commit is on disk before it returns; a large import commits once.
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Reading a large store through the memory map copies no pages; 64 MiB of page cache
        // keeps a large import's indexes in memory.
        conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        Ok(Store { conn, path, cache: None, view: None, busy_timeout })
    }

    /// The file this store lives in.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// assert_eq!(store.path(), dir.path().join("a.db"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The registry as stored: the snapshot rows rebuilt through
    /// [`SnapshotBuilder`](famplan::io::SnapshotBuilder), then the event log merged on top.
    /// Kept in memory until another process writes to the store.
    ///
    /// # Errors
    ///
    /// [`StoreError::Corrupt`] and other database failures; a stored row the core refuses
    /// (a file edited by hand) is reported at `store table persons:ROWID: field`.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// assert!(store.registry()?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn registry(&mut self) -> Result<&Registry, StoreError> {
        let tx = self.conn.transaction()?;
        let generation = generation_of(&tx)?;
        if !matches!(&self.cache, Some((g, _)) if *g == generation) {
            self.cache = Some((generation, load_registry(&tx)?));
        }
        tx.commit()?;
        Ok(&self.cache.as_ref().expect("just filled").1)
    }

    /// A copy of the registry as stored (see [`Store::registry`]).
    ///
    /// # Errors
    ///
    /// As [`Store::registry`].
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// assert_eq!(store.load()?.len(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(&mut self) -> Result<Registry, StoreError> {
        self.registry().cloned()
    }

    /// The stored state for reading — rates, schedules, work lists, person files — without
    /// loading the event log: the store's checkpoint of the folded state and the few events
    /// recorded after it. On a cold open this takes milliseconds where [`Store::registry`]
    /// replays every event.
    ///
    /// Every question about the state has the same answer as on [`Store::registry`]; only the
    /// log is left out: the returned registry's [`events`](Registry::events) and
    /// [`conflicts`](Registry::conflicts) are not the store's (read those with
    /// [`Store::events_after`], [`Store::registry`] or [`Store::status`]). When there is no
    /// usable checkpoint (a store written by an older famplan, or an event after the
    /// checkpoint that conflicts) this is the full load, and a new checkpoint is saved when
    /// no other process is writing.
    ///
    /// # Errors
    ///
    /// As [`Store::registry`].
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Registry};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("a.db");
    /// famplan_store::Store::open(&path)?.merge(Registry::example().events().to_vec())?;
    /// let mut store = famplan_store::Store::open(&path)?;
    /// let on = "2026-06-30".parse()?;
    /// let want = Registry::example();
    /// assert_eq!(store.view()?.case_file(&"p1".into(), on), want.case_file(&"p1".into(), on));
    /// // Writes go on from the view, and the view follows them.
    /// store.record(Event::new("x1", "2026-07-01".parse()?, "k1", EventKind::Died { person: "p2".into() }))?;
    /// assert!(!store.view()?.state(&"p2".into(), "2026-07-02".parse()?).unwrap().residency.is_resident());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn view(&mut self) -> Result<&Registry, StoreError> {
        let tx = self.conn.transaction()?;
        let generation = generation_of(&tx)?;
        let full_current = matches!(&self.cache, Some((g, _)) if *g == generation);
        let view_current = matches!(&self.view, Some((g, _)) if *g == generation);
        let mut save = false;
        if !full_current && !view_current {
            match checkpoint::load(&tx)? {
                Some((reg, after)) => {
                    save = after >= checkpoint::EVERY;
                    self.view = Some((generation, reg));
                }
                None => {
                    self.cache = Some((generation, load_registry(&tx)?));
                    save = checkpoint::due(&tx)?;
                }
            }
        }
        tx.commit()?;
        if save {
            self.save_checkpoint(generation);
        }
        match (&self.cache, &self.view) {
            (Some((g, reg)), _) if *g == generation => Ok(reg),
            (_, Some((_, reg))) => Ok(reg),
            _ => unreachable!("one of the two was just made current"),
        }
    }

    /// A number that changes with every write to the store, by any process: a cache built
    /// from [`Store::view`] or [`Store::registry`] is current while it is unchanged.
    ///
    /// # Errors
    ///
    /// Database failures.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// let before = store.generation()?;
    /// store.merge(famplan::Registry::example().events().to_vec())?;
    /// assert_ne!(store.generation()?, before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generation(&self) -> Result<u64, StoreError> {
        Ok(generation_of(&self.conn)? as u64)
    }

    /// The ids of the stored events that start with `prefix` (a device's `DEVICE:`), read
    /// from the log's index without loading any event.
    ///
    /// # Errors
    ///
    /// Database failures.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind};
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.merge(famplan::Registry::example().events().to_vec())?;
    /// let all = store.event_ids_with_prefix("")?;
    /// assert_eq!(all.len(), famplan::Registry::example().events().len());
    /// assert!(store.event_ids_with_prefix("phone-7:")?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn event_ids_with_prefix(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        // Text compares byte by byte: every id starting with `prefix` sorts between it and
        // `prefix` followed by the highest character.
        let mut stmt = self.conn.prepare_cached("SELECT id FROM events WHERE id >= ?1 AND id < ?1 || char(1114111)")?;
        let ids = stmt.query_map([prefix], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }

    /// Saves a checkpoint of the state read at `generation`, unless another process wrote
    /// since or holds the write lock: it is derived data, the next writer saves one anyway.
    fn save_checkpoint(&mut self, generation: i64) {
        let reg = match (&self.cache, &self.view) {
            (Some((g, reg)), _) if *g == generation => reg,
            (_, Some((g, reg))) if *g == generation => reg,
            _ => return,
        };
        let conn = &self.conn;
        let saved = (|| -> Result<(), StoreError> {
            conn.busy_timeout(Duration::ZERO)?;
            let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
            if generation_of(&tx)? == generation {
                checkpoint::save(&tx, reg)?;
                tx.commit()?;
            }
            Ok(())
        })();
        // Busy or read-only: the state is still right, only the next open is slower.
        drop(saved);
        let _ = conn.busy_timeout(self.busy_timeout);
    }

    /// Records one event of this device, with [`Registry::apply`] semantics.
    ///
    /// # Errors
    ///
    /// [`famplan::Error::Rejected`] (inside [`StoreError::Famplan`]) when the event
    /// contradicts the registry or its id is already in the store; nothing is written.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind};
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// let e = Event::new("e1", "2026-03-01".parse()?, "k1", EventKind::Died { person: "p9".into() });
    /// assert_eq!(store.record(e).unwrap_err().to_string(), "event e1: unknown person `p9`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record(&mut self, event: Event) -> Result<(), StoreError> {
        self.write(Log::NotNeeded, |tx, reg| {
            if !stored_ids(tx, std::slice::from_ref(&event))?.is_empty() {
                let reason = Rejection::DuplicateEvent;
                return Err(
                    famplan::Error::Rejected { at: Default::default(), event: event.id.to_string(), reason }.into()
                );
            }
            reg.apply(event.clone())?;
            insert_events(tx, std::slice::from_ref(&event))?;
            Ok(())
        })
    }

    /// Appends a batch of this device's events: each must apply ([`Registry::apply`]
    /// semantics), in date order and then in the order given. Events whose id is already in
    /// the store are duplicates (a re-sent batch) and are skipped.
    ///
    /// # Errors
    ///
    /// Every refused event, with its reason ([`famplan::Error::Many`] when more than one);
    /// nothing is written.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::Registry;
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// let events = Registry::example().events().to_vec();
    /// assert_eq!(store.append(events.clone())?.applied, events.len());
    /// assert_eq!(store.append(events.clone())?.duplicates, events.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn append(&mut self, mut events: Vec<Event>) -> Result<MergeReport, StoreError> {
        events.sort_by_key(|e| e.date);
        self.write(Log::NotNeeded, |tx, reg| {
            let stored = stored_ids(tx, &events)?;
            let mut next = reg.clone();
            let mut report = MergeReport::default();
            let mut refused = Vec::new();
            let mut fresh = Vec::new();
            for e in events {
                if stored.contains(e.id.as_str()) {
                    report.duplicates += 1;
                    continue;
                }
                match next.apply(e.clone()) {
                    Ok(()) => {
                        report.applied += 1;
                        fresh.push(e);
                    }
                    Err(famplan::Error::Rejected { reason: Rejection::DuplicateEvent, .. }) => report.duplicates += 1,
                    Err(err) => refused.push(err),
                }
            }
            match refused.len() {
                0 => {}
                1 => return Err(refused.remove(0).into()),
                _ => return Err(famplan::Error::Many(refused).into()),
            }
            insert_events(tx, &fresh)?;
            *reg = next;
            Ok(report)
        })
    }

    /// Merges another device's events: the union by id (DOMAIN §5). Events that do not fit
    /// are kept in the log and reported as conflicts; merging the same events again changes
    /// nothing.
    ///
    /// # Errors
    ///
    /// Database failures only; nothing is written then.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Registry};
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.merge(Registry::example().events().to_vec())?;
    /// let twice = Event::new("dup", "2026-08-01".parse()?, "k2", EventKind::Married { person: "p1".into(), spouse: None });
    /// let report = store.merge(vec![twice])?;
    /// assert_eq!(report.conflicts.len(), 1);
    /// assert_eq!(store.status_on("2026-08-01".parse()?)?.conflicts, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(&mut self, events: Vec<Event>) -> Result<MergeReport, StoreError> {
        self.write(Log::Needed, |tx, reg| {
            insert_events(tx, &events)?;
            Ok(reg.merge(events))
        })
    }

    /// Reads an events file (`.jsonl` / `.ndjson` / `.json` as JSON Lines, `.csv`) and
    /// merges it ([`Store::merge`]): the way to take in another device's export.
    ///
    /// # Errors
    ///
    /// Every bad line as `file:line: field: reason` (nothing is written), an unknown file
    /// ending, an unreadable file.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let file = dir.path().join("events.jsonl");
    /// std::fs::write(&file, "{\"id\":\"e1\"}\n")?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// let err = store.import_events(&file).unwrap_err();
    /// assert!(err.to_string().contains("events.jsonl:1: date: missing field `date`"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import_events(&mut self, path: impl AsRef<Path>) -> Result<MergeReport, StoreError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let format = EventFormat::from_file_name(&name).ok_or_else(|| famplan::Error::Invalid {
            at: Location::new(name.clone(), 0, "file"),
            reason: "unknown events format: name it .jsonl or .csv".into(),
        })?;
        let file = open_file(path)?;
        let events = read_events(&name, std::io::BufReader::new(file), format)?;
        self.merge(events)
    }

    /// Imports a snapshot directory (DOMAIN §15: `areas.csv`, `households.csv`,
    /// `persons.csv`, `visits.csv`, optionally `events.csv` or `events.jsonl`).
    ///
    /// Everything is read and checked by the core first; only then is it written, in one
    /// transaction. A snapshot can only go into a store that holds no snapshot rows yet;
    /// events already in the store are merged over it.
    ///
    /// # Errors
    ///
    /// Every problem found (`dir/persons.csv:14: birth_date: …`, up to 100) with
    /// [`ImportMode::AllOrNothing`]; [`StoreError::SnapshotExists`]; nothing is written.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// let err = store.import_snapshot_dir(dir.path(), famplan::io::ImportMode::AllOrNothing).unwrap_err();
    /// assert!(err.to_string().contains("areas.csv: file: required file missing"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import_snapshot_dir(
        &mut self,
        dir: impl AsRef<Path>,
        mode: ImportMode,
    ) -> Result<ImportSummary, StoreError> {
        self.import_snapshot_dir_with_progress(dir, mode, &mut |_| {})
    }

    /// Like [`Store::import_snapshot_dir`], telling `progress` how far it has got.
    ///
    /// # Errors
    ///
    /// As [`Store::import_snapshot_dir`].
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// let mut calls = 0;
    /// let result = store.import_snapshot_dir_with_progress(dir.path(), Default::default(), &mut |_| calls += 1);
    /// assert!(result.is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import_snapshot_dir_with_progress(
        &mut self,
        dir: impl AsRef<Path>,
        mode: ImportMode,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportSummary, StoreError> {
        let dir = dir.as_ref();
        let files = SnapshotDir::find(dir)?;
        let meter = Meter { done: Cell::new(0), total: files.bytes(), report: RefCell::new(progress) };
        // The fast way: the rows read once, each checked by the core's builder and kept as
        // read. Anything unusual (and every refused row) goes the core's way instead, which
        // reads, checks and locates everything, then writes its rows again for the store.
        let fast = match mode {
            ImportMode::AllOrNothing => files.encode_fast(&meter)?,
            _ => None,
        };
        let (base, summary, new_events, chunks) = match fast {
            Some((base, summary, chunks)) if files.events.is_none() => (base, summary, Vec::new(), chunks),
            Some((base, _, chunks)) => {
                // The events file is read, checked and located by the core, over the rows.
                let (full, summary) = read_snapshot(files.open(&meter, true)?, mode)?;
                (base, summary, full.events().to_vec(), chunks)
            }
            None => {
                // The full read (rows, then the events file) checks everything and locates
                // every problem. The rows alone are what the snapshot chunks keep: events go
                // to the log.
                let (full, summary) = read_snapshot(files.open(&meter, true)?, mode)?;
                let (base, new_events) = match files.events {
                    Some(_) => (read_snapshot(files.open(&meter, false)?, mode)?.0, full.events().to_vec()),
                    None => (full, Vec::new()),
                };
                let chunks = rows::encode_registry(&base)?;
                (base, summary, new_events, chunks)
            }
        };
        let report = meter.report.into_inner();
        self.commit_snapshot(base, new_events, &chunks, report)?;
        Ok(summary)
    }

    /// Writes checked snapshot rows (`base`, as `chunks`) and the snapshot's events in one
    /// transaction, merging the events already in the store over them.
    fn commit_snapshot(
        &mut self,
        base: Registry,
        new_events: Vec<Event>,
        chunks: &[rows::Chunk],
        report: &mut dyn FnMut(Progress),
    ) -> Result<(), StoreError> {
        self.write(Log::Needed, |tx, reg| {
            if let Some(persons) = rows::person_rows(tx)? {
                return Err(StoreError::SnapshotExists { persons });
            }
            rows::insert(tx, chunks, report)?;
            // The checkpoint folds the rows: stale from here on (this write saves a new one).
            tx.execute("DELETE FROM checkpoint", [])?;
            insert_events(tx, &new_events)?;
            let mut next = base;
            let mut events = reg.events().to_vec();
            events.extend(new_events);
            next.merge(events);
            report(Progress { stage: "commit", done: 0, total: 1 });
            *reg = next;
            Ok(())
        })?;
        report(Progress { stage: "commit", done: 1, total: 1 });
        Ok(())
    }

    /// The events that arrived after `after`, in arrival order, and the watermark to ask
    /// from next time.
    ///
    /// # Errors
    ///
    /// Database failures; an event the store cannot read back.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan_store::Watermark;
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.merge(famplan::Registry::example().events().to_vec())?;
    /// let (all, w) = store.events_after(Watermark::default())?;
    /// let (none, w2) = store.events_after(w)?;
    /// assert!(!all.is_empty() && none.is_empty() && w2 == w);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn events_after(&self, after: Watermark) -> Result<(Vec<Event>, Watermark), StoreError> {
        let mut stmt = self.conn.prepare("SELECT seq, json FROM events WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = stmt.query([after.0 as i64])?;
        let mut events = Vec::new();
        let mut last = after;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            events.push(parse_event(seq, row.get_ref(1)?.as_str()?)?);
            last = Watermark(seq as u64);
        }
        Ok((events, last))
    }

    /// What the store holds, with case files counted on today's date (UTC).
    ///
    /// # Errors
    ///
    /// As [`Store::registry`].
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// assert_eq!(store.status()?.households, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status(&mut self) -> Result<StoreStatus, StoreError> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let today = chrono::DateTime::from_timestamp(now.as_secs() as i64, 0).unwrap_or_default().date_naive();
        self.status_on(today)
    }

    /// What the store holds, with case files counted on `on`.
    ///
    /// # Errors
    ///
    /// As [`Store::registry`].
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.merge(famplan::Registry::example().events().to_vec())?;
    /// let s = store.status_on("2026-06-30".parse()?)?;
    /// assert_eq!((s.persons, s.case_files, s.conflicts), (3, 1, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status_on(&mut self, on: NaiveDate) -> Result<StoreStatus, StoreError> {
        let schema_version: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let (events, watermark, last_date, conflicts) = self.conn.query_row(
            "SELECT count(*), coalesce(max(seq), 0), max(date), (SELECT count(*) FROM conflicts) FROM events",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, i64>(3)?)),
        )?;
        let last_event_date = match last_date {
            Some(d) => Some(d.parse().map_err(|e: chrono::ParseError| famplan::Error::Invalid {
                at: Location::new("store table events", 0, "date"),
                reason: e.to_string(),
            })?),
            None => None,
        };
        let reg = self.view()?;
        Ok(StoreStatus {
            on,
            households: reg.household_count(),
            persons: reg.len(),
            case_files: reg.persons().filter(|p| p.state_on(on).is_some_and(|s| s.case_file.is_open())).count(),
            events: events as usize,
            conflicts: conflicts as usize,
            schema_version,
            last_event_date,
            watermark: Watermark(watermark as u64),
        })
    }

    /// Writes the store as a snapshot directory that imports back to the same registry: the
    /// snapshot rows as they were imported, and every event in canonical order in
    /// `events.jsonl`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Io`] for the files; database failures.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.merge(famplan::Registry::example().events().to_vec())?;
    /// store.export_snapshot_dir(dir.path().join("out"))?;
    /// let mut copy = famplan_store::Store::open(dir.path().join("b.db"))?;
    /// copy.import_snapshot_dir(dir.path().join("out"), Default::default())?;
    /// assert_eq!(copy.load()?, store.load()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn export_snapshot_dir(&mut self, dir: impl AsRef<Path>) -> Result<(), StoreError> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        let tx = self.conn.transaction()?;
        rows::export(&tx, dir)?;
        let generation = generation_of(&tx)?;
        if !matches!(&self.cache, Some((g, _)) if *g == generation) {
            self.cache = Some((generation, load_registry(&tx)?));
        }
        tx.commit()?;
        let reg = &self.cache.as_ref().expect("just filled").1;
        let path = dir.join("events.jsonl");
        let file = std::fs::File::create(&path).map_err(|source| StoreError::Io { path: path.clone(), source })?;
        famplan::io::write_events(reg.events(), file, EventFormat::JsonLines)?;
        Ok(())
    }

    /// Runs SQLite's `PRAGMA integrity_check` over the whole file.
    ///
    /// # Errors
    ///
    /// [`StoreError::Corrupt`] with what SQLite found.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.check_integrity()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let found: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        if found == ["ok"] { Ok(()) } else { Err(StoreError::Corrupt { reason: found.join("; ") }) }
    }

    /// Runs `f` in one write transaction over the current registry. `f` either changes the
    /// registry and the tables together, or returns an error; a core error
    /// ([`StoreError::Famplan`]) must leave the registry as it was.
    ///
    /// With `Log::NotNeeded`, `f` only applies events ([`Registry::apply`]: no conflicts can
    /// arise) and may run over the view (the checkpoint and the events after it) when the
    /// full registry is not in memory; duplicates must then be found in the table, since
    /// the view's registry does not know the ids of events that never applied.
    /// 本社区生育政策 — the community's birth policy as kept in the store (the TOML text it
    /// was given), `None` when it keeps none and the built-in rules apply. Every registry
    /// the store loads ([`Store::registry`], [`Store::view`]) judges by it.
    ///
    /// # Errors
    ///
    /// Database failures.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// assert_eq!(store.policy_text()?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy_text(&self) -> Result<Option<String>, StoreError> {
        crate::settings::get(&self.conn, crate::settings::POLICY)
    }

    /// Keeps `text` (a policy file in the format of `rules/policy.toml`; `file` names it in
    /// errors) as the community's birth policy: rates, the counter's eligibility checks and
    /// the review list judge by it from now on. Nothing recorded changes.
    ///
    /// # Errors
    ///
    /// [`StoreError::Famplan`] with the file, line, field and reason when the text is not a
    /// valid policy; the store is left exactly as it was.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.set_policy("province = \"44\"\n", "mine.toml")?;
    /// assert_eq!(store.registry()?.policy().province(), Some("44"));
    /// let err = store.set_policy("province = \"Guangdong\"\n", "bad.toml").unwrap_err();
    /// assert_eq!(err.to_string(), "bad.toml:1: province: `Guangdong` is not a two-digit province code");
    /// assert_eq!(store.policy_text()?.as_deref(), Some("province = \"44\"\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_policy(&mut self, text: &str, file: &str) -> Result<famplan::PolicySet, StoreError> {
        let policy = famplan::PolicySet::from_toml_str(text, file)?;
        self.write(Log::NotNeeded, |tx, reg| {
            crate::settings::put(tx, crate::settings::POLICY, Some(text))?;
            reg.set_policy(policy.clone());
            Ok(())
        })?;
        Ok(policy)
    }

    /// Forgets the community's birth policy: the built-in rules apply again.
    ///
    /// # Errors
    ///
    /// Database failures.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.set_policy("province = \"44\"\n", "mine.toml")?;
    /// store.clear_policy()?;
    /// assert_eq!(store.registry()?.policy(), famplan::PolicySet::builtin());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear_policy(&mut self) -> Result<(), StoreError> {
        self.write(Log::NotNeeded, |tx, reg| {
            crate::settings::put(tx, crate::settings::POLICY, None)?;
            reg.set_policy(famplan::PolicySet::builtin().clone());
            Ok(())
        })
    }

    /// 公开栏文本 — the community's notices for its public-disclosure board, as kept in the
    /// store (the TOML text it was given, with its service `hotline`), `None` when it keeps
    /// none.
    ///
    /// # Errors
    ///
    /// Database failures.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// assert_eq!(store.notices_text()?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn notices_text(&self) -> Result<Option<String>, StoreError> {
        crate::settings::get(&self.conn, crate::settings::NOTICES)
    }

    /// The community's notices: the kept ones, else the shipped
    /// [`Notices::default_notices`](famplan::Notices::default_notices).
    ///
    /// # Errors
    ///
    /// Database failures; kept text that no longer reads (a file edited by hand) is
    /// reported at `store setting notices:LINE: field`.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// assert_eq!(store.notices()?, famplan::Notices::default_notices());
    /// store.set_notices("hotline = \"0755-12345678\"\n", "board.toml")?;
    /// assert_eq!(store.notices()?.hotline().map(|h| h.as_str()), Some("0755-12345678"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn notices(&self) -> Result<famplan::Notices, StoreError> {
        match self.notices_text()? {
            Some(text) => Ok(famplan::Notices::from_toml_str(&text, crate::settings::NOTICES_FILE)?),
            None => Ok(famplan::Notices::default_notices()),
        }
    }

    /// Keeps `text` (notices in the format of `rules/disclosure.toml`, with the community's
    /// `hotline`; `file` names it in errors) as the community's notices, or with `None`
    /// forgets them (the shipped ones apply again).
    ///
    /// # Errors
    ///
    /// [`StoreError::Famplan`] with the file, line, field and reason when the text does not
    /// read as notices; the store is left exactly as it was.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// let err = store.set_notices("hotline = \"call us\"\n", "board.toml").unwrap_err();
    /// assert!(err.to_string().starts_with("board.toml:1: hotline: `call us` is not a service number"));
    /// assert_eq!(store.notices_text()?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_notices(&mut self, text: &str, file: &str) -> Result<famplan::Notices, StoreError> {
        let notices = famplan::Notices::from_toml_str(text, file)?;
        crate::settings::put(&self.conn, crate::settings::NOTICES, Some(text))?;
        Ok(notices)
    }

    /// Forgets the community's notices: the shipped ones apply again.
    ///
    /// # Errors
    ///
    /// Database failures.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.set_notices("hotline = \"12345\"\n", "board.toml")?;
    /// store.clear_notices()?;
    /// assert_eq!(store.notices_text()?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear_notices(&mut self) -> Result<(), StoreError> {
        crate::settings::put(&self.conn, crate::settings::NOTICES, None)
    }

    fn write<T>(
        &mut self,
        log: Log,
        f: impl FnOnce(&Transaction<'_>, &mut Registry) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let generation = generation_of(&tx)?;
        let (mut reg, full) = match (self.cache.take(), self.view.take()) {
            (Some((g, reg)), _) if g == generation => (reg, true),
            (_, Some((g, reg))) if g == generation && log == Log::NotNeeded => (reg, false),
            _ if log == Log::NotNeeded => match checkpoint::load(&tx)? {
                Some((reg, _)) => (reg, false),
                None => (load_registry(&tx)?, true),
            },
            _ => (load_registry(&tx)?, true),
        };
        let out = match f(&tx, &mut reg) {
            Ok(out) => out,
            Err(e) => {
                if matches!(e, StoreError::Famplan(_) | StoreError::SnapshotExists { .. }) {
                    let kept = Some((generation, reg));
                    if full { self.cache = kept } else { self.view = kept }
                }
                return Err(e);
            }
        };
        if full {
            tx.execute("DELETE FROM conflicts", [])?;
            let mut stmt = tx.prepare_cached("INSERT INTO conflicts (event_id, reason) VALUES (?1, ?2)")?;
            for c in reg.conflicts() {
                stmt.execute(params![c.event.id.as_str(), c.reason.to_string()])?;
            }
        }
        if checkpoint::due(&tx)? {
            checkpoint::save(&tx, &reg)?;
        }
        tx.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'", [])?;
        tx.commit()?;
        let kept = Some((generation + 1, reg));
        if full {
            self.cache = kept
        } else {
            self.view = kept
        }
        Ok(out)
    }
}

/// Whether a write needs the registry's event log (see `Store::write`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Log {
    Needed,
    NotNeeded,
}

/// The ids of `events` already in the log.
fn stored_ids(tx: &Transaction<'_>, events: &[Event]) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT 1 FROM events WHERE id = ?1")?;
    let mut found = std::collections::HashSet::new();
    for e in events {
        if stmt.exists([e.id.as_str()])? {
            found.insert(e.id.as_str().to_string());
        }
    }
    Ok(found)
}

fn generation_of(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = 'generation'", [], |r| r.get(0))?)
}

pub(crate) fn parse_event(seq: i64, json: &str) -> Result<Event, StoreError> {
    serde_json::from_str(json).map_err(|e| {
        famplan::Error::Invalid { at: Location::new("store table events", seq as u64, "json"), reason: e.to_string() }
            .into()
    })
}

/// Rebuilds the registry: snapshot rows through the core's builder, then the log.
fn load_registry(conn: &Connection) -> Result<Registry, StoreError> {
    let mut b = SnapshotBuilder::new();
    rows::load(conn, &mut b)?;
    let (mut reg, _) = b.finish();
    crate::settings::apply_policy(conn, &mut reg)?;
    let mut stmt = conn.prepare("SELECT seq, json FROM events ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut events = Vec::new();
    while let Some(row) = rows.next()? {
        events.push(parse_event(row.get(0)?, row.get_ref(1)?.as_str()?)?);
    }
    reg.merge(events);
    Ok(reg)
}

/// Adds events to the log, skipping ids already there; each new one gets the next `seq`.
fn insert_events(tx: &Transaction<'_>, events: &[Event]) -> Result<(), StoreError> {
    let mut seq: i64 = tx.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO events (id, seq, date, recorded_at, recorded_by, kind, person, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for e in events {
        let json = serde_json::to_string(e).expect("an event serialises to JSON: its keys are strings");
        let inserted = stmt.execute(params![
            e.id.as_str(),
            seq + 1,
            e.date.to_string(),
            e.recorded_at.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
            e.recorded_by,
            e.kind.code(),
            e.person().map(|p| p.as_str()),
            json,
        ])?;
        seq += inserted as i64;
    }
    Ok(())
}

fn open_file(path: &Path) -> Result<std::fs::File, StoreError> {
    std::fs::File::open(path).map_err(|source| StoreError::Io { path: path.to_path_buf(), source })
}

/// The files of a snapshot directory, found but not yet read.
struct SnapshotDir {
    areas: PathBuf,
    households: PathBuf,
    persons: PathBuf,
    visits: PathBuf,
    events: Option<(PathBuf, EventFormat)>,
}

impl SnapshotDir {
    fn find(dir: &Path) -> Result<SnapshotDir, StoreError> {
        if !dir.is_dir() {
            let source = std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory");
            return Err(StoreError::Io { path: dir.to_path_buf(), source });
        }
        let mut missing = Vec::new();
        let mut need = |name: &str| {
            let p = dir.join(name);
            if !p.is_file() {
                missing.push(famplan::Error::Invalid {
                    at: Location::new(p.display().to_string(), 0, "file"),
                    reason: "required file missing".into(),
                });
            }
            p
        };
        let (areas, households, persons, visits) =
            (need("areas.csv"), need("households.csv"), need("persons.csv"), need("visits.csv"));
        if !missing.is_empty() {
            return Err(famplan::Error::Many(missing).into());
        }
        let found: Vec<(PathBuf, EventFormat)> =
            [("events.jsonl", EventFormat::JsonLines), ("events.csv", EventFormat::Csv)]
                .into_iter()
                .map(|(n, f)| (dir.join(n), f))
                .filter(|(p, _)| p.is_file())
                .collect();
        if found.len() > 1 {
            return Err(famplan::Error::Invalid {
                at: Location::new(dir.join("events.csv").display().to_string(), 0, "file"),
                reason: "both events.csv and events.jsonl are present: keep one".into(),
            }
            .into());
        }
        Ok(SnapshotDir { areas, households, persons, visits, events: found.into_iter().next() })
    }

    /// The bytes the import reads: the rows twice when there is an events file.
    fn bytes(&self) -> u64 {
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let rows = [&self.areas, &self.households, &self.persons, &self.visits].iter().map(|p| size(p)).sum::<u64>();
        match &self.events {
            Some((p, _)) => 2 * rows + size(p),
            None => rows,
        }
    }

    /// The rows read the fast way ([`rows::encode_file`]): the base registry, what was
    /// taken in, and the chunks; `None` when a file needs the core's reader.
    #[allow(clippy::type_complexity)]
    fn encode_fast(
        &self,
        meter: &Meter<'_>,
    ) -> Result<Option<(Registry, ImportSummary, Vec<rows::Chunk>)>, StoreError> {
        let mut b = SnapshotBuilder::new();
        let persons = std::fs::metadata(&self.persons).map(|m| m.len()).unwrap_or(0);
        // About 60 bytes a person row.
        b.reserve((persons / 60) as usize);
        let mut chunks = Vec::new();
        for ((table, columns), path) in
            rows::TABLES.iter().zip([&self.areas, &self.households, &self.persons, &self.visits])
        {
            let reader = Counting { inner: std::io::BufReader::with_capacity(1 << 16, open_file(path)?), meter };
            match rows::encode_file(reader, table, columns, Some(&mut b)) {
                Ok(c) => chunks.extend(c),
                Err(rows::NotFast) => return Ok(None),
            }
        }
        let (base, summary) = b.finish();
        Ok(Some((base, summary, chunks)))
    }

    fn open<'m, 'p: 'm>(&self, meter: &'m Meter<'p>, with_events: bool) -> Result<SnapshotFiles<'m>, StoreError> {
        let reader = |p: &Path| -> Result<Counting<'m, 'p, std::io::BufReader<std::fs::File>>, StoreError> {
            Ok(Counting { inner: std::io::BufReader::with_capacity(1 << 16, open_file(p)?), meter })
        };
        let name = |p: &Path| p.display().to_string();
        let mut files = SnapshotFiles::new()
            .areas(name(&self.areas), reader(&self.areas)?)
            .households(name(&self.households), reader(&self.households)?)
            .persons(name(&self.persons), reader(&self.persons)?)
            .visits(name(&self.visits), reader(&self.visits)?);
        if let (Some((path, format)), true) = (&self.events, with_events) {
            files = files.events(name(path), reader(path)?, *format);
        }
        Ok(files)
    }
}

/// Counts the bytes read from the snapshot files and reports every mebibyte.
struct Meter<'p> {
    done: Cell<u64>,
    total: u64,
    report: RefCell<&'p mut dyn FnMut(Progress)>,
}

struct Counting<'m, 'p, R> {
    inner: R,
    meter: &'m Meter<'p>,
}

impl<R: Read> Read for Counting<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let before = self.meter.done.get();
        let after = before + n as u64;
        self.meter.done.set(after);
        if after >> 20 != before >> 20 {
            let total = self.meter.total.max(after);
            (self.meter.report.borrow_mut())(Progress { stage: "read", done: after, total });
        }
        Ok(n)
    }
}
