//! `uniffi-bindgen`: generates the Kotlin, Swift and Python bindings of `famplan-uniffi`
//! (library mode), with the same uniffi version as the library.

fn main() {
    uniffi::uniffi_bindgen_main()
}
