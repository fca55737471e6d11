//! Snapshot workbooks (`.xlsx`) in and out of a store (feature `xlsx`).

use super::{Store, open_file};
use crate::{StoreError, rows};
use famplan::io::{ImportMode, ImportSummary, SnapshotWorkbook, write_snapshot_xlsx};
use std::path::Path;

impl Store {
    /// Imports a snapshot workbook (sheets `areas`, `households`, `persons`, `visits`,
    /// optionally `events`; Chinese names too): read and checked by the core first, cells
    /// located as `persons!E12`; then written in one transaction, like
    /// [`Store::import_snapshot_dir`].
    ///
    /// # Errors
    ///
    /// Every problem found with [`ImportMode::AllOrNothing`]; [`StoreError::SnapshotExists`];
    /// nothing is written.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let reg = famplan::Registry::example();
    /// let book = dir.path().join("ledger.xlsx");
    /// famplan::io::write_snapshot_xlsx(&reg, None, &[], std::fs::File::create(&book)?)?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// let summary = store.import_snapshot_xlsx(&book, Default::default())?;
    /// assert_eq!(summary.persons, 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import_snapshot_xlsx(
        &mut self,
        path: impl AsRef<Path>,
        mode: ImportMode,
    ) -> Result<ImportSummary, StoreError> {
        let path = path.as_ref();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let book = SnapshotWorkbook::open(&name, std::io::BufReader::new(open_file(path)?))?;
        let (full, summary) = book.read_snapshot(mode)?;
        let (base, new_events) =
            if book.has_events() { (book.read_rows(mode)?.0, full.events().to_vec()) } else { (full, Vec::new()) };
        let chunks = rows::encode_registry(&base)?;
        self.commit_snapshot(base, new_events, &chunks, &mut |_| {})?;
        Ok(summary)
    }

    /// Writes the store as a snapshot workbook that imports back to the same registry: the
    /// snapshot rows as they were imported, and every event in canonical order in the
    /// `events` sheet.
    ///
    /// # Errors
    ///
    /// [`StoreError::Io`] for the file; database failures.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let mut store = famplan_store::Store::open(dir.path().join("a.db"))?;
    /// store.merge(famplan::Registry::example().events().to_vec())?;
    /// store.export_snapshot_xlsx(dir.path().join("out.xlsx"))?;
    /// let mut copy = famplan_store::Store::open(dir.path().join("b.db"))?;
    /// copy.import_snapshot_xlsx(dir.path().join("out.xlsx"), Default::default())?;
    /// assert_eq!(copy.load()?, store.load()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn export_snapshot_xlsx(&mut self, path: impl AsRef<Path>) -> Result<(), StoreError> {
        let path = path.as_ref();
        let base = rows::base(&self.conn)?;
        let events = self.registry()?.events().to_vec();
        let io = |source| StoreError::Io { path: path.to_path_buf(), source };
        let mut buf = Vec::new();
        write_snapshot_xlsx(&base, None, &events, &mut buf)?;
        std::fs::write(path, buf).map_err(io)
    }
}
