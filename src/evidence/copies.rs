//! Counting copies once: the same content read twice (a copy, a hard link, the same file given
//! twice) gives its events once.

use std::collections::HashMap;

use super::{Bundle, Input, InputStatus};
use crate::event::Event;

/// Counts identical inputs once, across all the bundles of one run (in argument order): a
/// parsed input with the same SHA-256 as an earlier one (a copy, a hard link, the same file
/// given twice) and the same events read from it is skipped, its events dropped, naming the
/// input counted. Its line counts stay, so its lines are still accounted.
///
/// Same bytes under another name can mean other events (a git reflog's ref, a PM2 app log's
/// app and a history's user come from the path): those are kept.
pub fn count_once(bundles: &mut [Bundle]) {
    let mut inputs: Vec<&mut Input> = bundles.iter_mut().flat_map(|b| b.inputs.iter_mut()).collect();
    let mut first_with: HashMap<String, usize> = HashMap::new();
    for i in 0..inputs.len() {
        let input = &inputs[i];
        if input.status != InputStatus::Parsed || input.size == 0 || input.sha256.is_empty() {
            continue;
        }
        match first_with.get(&input.sha256) {
            Some(&first)
                if same_events(&inputs[first].events, &input.events)
                    && inputs[first].processes_not_kept == input.processes_not_kept =>
            {
                let reason = format!(
                    "same content as {} (SHA-256 {}…): counted once",
                    inputs[first].file,
                    &input.sha256[..16]
                );
                inputs[i].status = InputStatus::Skipped(reason);
                inputs[i].events.clear();
            }
            Some(_) => {}
            None => {
                first_with.insert(input.sha256.clone(), i);
            }
        }
    }
}

/// Whether two inputs' events are the same but for the file they came from.
fn same_events(a: &[Event], b: &[Event]) -> bool {
    let key = |e: &Event| {
        (e.line, e.raw_time, e.source, e.kind, e.host.clone(), e.process.clone(), e.pm_id.clone(), e.pid)
    };
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            key(x) == key(y) && x.user == y.user && x.message == y.message && x.fields == y.fields
        })
}
