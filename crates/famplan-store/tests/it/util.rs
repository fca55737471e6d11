//! Fixtures shared by the tests.

use famplan::io::ImportMode;
use famplan_store::Store;
use std::path::{Path, PathBuf};

/// A store in a fresh temporary directory.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub store: Store,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("famplan.db")).unwrap();
        Fixture { dir, store }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("famplan.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// `testdata/<rel>` of this crate.
pub fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(rel)
}

/// Imports the small valid snapshot of `testdata/good`.
pub fn import_good(store: &mut Store) {
    store.import_snapshot_dir(testdata("good"), ImportMode::AllOrNothing).unwrap();
}

/// Copies every file of `from` into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// Counts the rows of a table through a separate, read-only connection.
pub fn rows(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}
