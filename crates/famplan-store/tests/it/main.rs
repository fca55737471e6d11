//! The store's integration tests: one binary, one module per concern.

mod bad_input; // testdata/bad: each bad snapshot refused with its place, nothing written
mod concurrency; // two writers at once: one waits or is told the store is busy; nothing lost
mod crash; // a killed import leaves all or nothing, and a sound file
mod fastpath; // the fast way in and the core's way give the same store
mod files; // what is not a famplan store is refused
mod ledger;
mod roundtrip; // what goes in comes out, byte for byte
mod semantics; // record / append / merge, and snapshot rules
mod util;
mod view; // the state from the checkpoint: the same as the full load
