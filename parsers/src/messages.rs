//! What a syslog-shaped message means, by the program that wrote it: authentication
//! ([`crate::auth`]), systemd unit messages ([`crate::systemd`]), a full disk (any program).
//! Shared by the syslog and journal parsers. Kernel messages are read by
//! [`crate::kernel::OomAssembler`] in those parsers, because an OOM report spans lines.

use std::borrow::Cow;

use crate::record::Record;
use crate::{auth, kernel, systemd};

/// Source of records from authentication programs.
pub const SOURCE_AUTH: &str = "auth";

/// Gives `rec` the kind, user and fields its message means, if this module knows it.
pub fn classify_into<'a>(rec: &mut Record<'a>, ident: Option<&str>, body: &'a str) {
    if let Some(ev) = ident.and_then(|i| auth::classify(i, body)) {
        rec.source = SOURCE_AUTH;
        rec.kind = ev.kind;
        rec.user = ev.user.map(Cow::Borrowed);
        rec.fields.extend(ev.into_fields());
        return;
    }
    classify_non_auth(rec, ident, body);
}

/// The non-authentication part of [`classify_into`]: systemd unit messages and
/// `No space left on device` from any program but the kernel.
pub fn classify_non_auth<'a>(rec: &mut Record<'a>, ident: Option<&str>, body: &'a str) {
    if let Some(ev) = ident.filter(|i| systemd::is_systemd_ident(i)).and_then(|i| systemd::classify(i, body))
    {
        systemd::apply(rec, ev);
        return;
    }
    if rec.source != kernel::SOURCE && kernel::has_no_space(body) {
        rec.kind = kernel::NO_SPACE;
    }
}
