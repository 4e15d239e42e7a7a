//! Ctrl-C, SIGTERM and SIGHUP: stop the running build and let the sweep unwind in order.
//!
//! The handler only sets a flag and signals the build's process group; the sweep loop sees the
//! flag, stops, and the manifest guard restores `Cargo.toml` as it drops. No file is touched
//! from the signal thread, so a restore can never race an edit.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crate::util::platform::terminate_group;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static CHILD_GROUP: AtomicI32 = AtomicI32::new(0);
static INSTALL: Once = Once::new();

/// Installs the handler (once per process). Fails if another handler is already installed.
pub fn install() -> anyhow::Result<()> {
    let mut result = Ok(());
    INSTALL.call_once(|| {
        result = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, Ordering::SeqCst);
            terminate_group(CHILD_GROUP.load(Ordering::SeqCst));
        });
    });
    result.map_err(|e| anyhow::anyhow!("cannot install the signal handler: {e}"))
}

/// Whether a signal has arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Registers the process group of a running child (0 when none), so a signal stops it too.
pub fn set_child_group(pgid: i32) {
    CHILD_GROUP.store(pgid, Ordering::SeqCst);
    // A signal that arrived between spawning and registering would otherwise be missed.
    if pgid != 0 && interrupted() {
        terminate_group(pgid);
    }
}
