//! A tap: events handed out as they are read instead of kept in the input.
//!
//! The streamed timeline (`crate::stream`) reads every input a second time and must not hold
//! its events in memory. With [`LoadOptions::tap`](super::LoadOptions) set, the loader hands
//! each window's events to the tap as soon as no later line can add to them (the last event
//! stays until the next window, which may carry its continuation lines), and the rest when
//! the input ends — in the order the parser gave them, with the loader's provenance (the
//! input's hash is known only at its end: the tap's owner knows it from the first pass).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::Input;
use crate::event::Event;

/// The soft window size of every load (see `Windows::soft_limit`): records borrow from the
/// window, so this, not the capacity, sets the memory per input being read (a tap reads many
/// inputs at once).
pub const WINDOW: usize = 1 << 20;

/// What a tap calls: the input being read, its next events, and whether the input ended.
/// The tap reads the events and leaves them: the loader refills them with the next records
/// (`Event::refill`), so that reading does not allocate every event anew.
pub type TapFn = dyn FnMut(&Input, &mut [Event], bool) + Send;

/// Where a load hands its events (see the module documentation).
#[derive(Clone)]
pub struct Tap(Arc<Mutex<Box<TapFn>>>);

impl fmt::Debug for Tap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tap")
    }
}

impl Tap {
    /// A tap calling `f`.
    pub fn new(f: impl FnMut(&Input, &mut [Event], bool) + Send + 'static) -> Tap {
        Tap(Arc::new(Mutex::new(Box::new(f))))
    }

    /// Hands `input`'s events to the tap: all of them when `ended`, else all but the last.
    /// The events handed out become the input's spares (dropped when it ends).
    pub(super) fn drain(tap: Option<&Tap>, input: &mut Input, ended: bool) {
        let Some(Tap(f)) = tap else { return };
        let last = if ended { None } else { input.events.pop() };
        let mut events = std::mem::take(&mut input.events);
        let handed = events.len();
        // The vectors swap roles instead of moving events: the spares' vector (room for a
        // window's events) takes the events to come, the ones handed out become spares
        // (after any spares the window did not use).
        let mut next = std::mem::take(&mut input.spare_events);
        events.append(&mut next);
        next.extend(last);
        input.events = next;
        if handed > 0 || ended {
            let mut f = f.lock().unwrap_or_else(PoisonError::into_inner);
            f(input, &mut events[..handed], ended);
        }
        if !ended {
            input.spare_events = events;
        }
    }
}
