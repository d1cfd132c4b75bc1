//! Locks shared between threads.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// The state under `mutex`, also after a thread panicked holding it:
/// every user of such a mutex makes each change whole before it lets the
/// lock go.
pub fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
