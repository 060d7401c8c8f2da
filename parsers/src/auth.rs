//! Bodies of authentication messages: sshd, pam_unix, sudo, su, login, systemd-logind, cron,
//! useradd/groupadd.
//!
//! [`classify`] is a pure function of a syslog identifier (the tag, `SYSLOG_IDENTIFIER` in the
//! journal) and a message body; the syslog parser and the journal parser share it. It never
//! fails: a body from an authentication program that matches no grammar below is still an
//! `auth-message`; a body from any other program is `None` unless it is a PAM session or
//! authentication-failure line.
//!
//! The commonest bodies (sshd's attempts and disconnects, PAM sessions and authentication
//! failures, logind sessions, sudo commands) are read first by byte-level readers that mirror
//! the grammars below for the shapes programs write and give up on anything else; the
//! grammars ([`classify_grammar`]) read the rest. Both give the same event.
//!
//! ```text
//! ; identifiers (compared case-insensitively, after the last "/" of a path)
//! ident        = program ["(" module ")"]       ; "sshd(pam_unix)": old PAM style, body = pam-msg
//! auth-program = "sshd" / "sshd-session" / "sshd-auth" / "sudo" / "su" / "login" / "pam"
//!              / "unix_chkpwd" / "useradd" / "userdel" / "usermod" / "groupadd" / "groupdel"
//!              / "groupmod" / "passwd" / "chpasswd" / "chage" / "gpasswd" / "newusers" / "-- " user
//! ; "-- root" is login(1)'s name after it rewrote its argv for the process title.
//! ; only some bodies of these make auth events: "systemd-logind", "cron" / "crond", any other.
//!
//! ; sshd
//! ssh-login    = "Accepted " method " for " user " from " addr " port " port [proto] [key]
//! ssh-failed   = "Failed " method " for " ["invalid user "] user " from " addr " port " port
//!                [proto] [key]
//! key          = ": " key-type SP fingerprint [SP text]       ; RSA, ED25519, ECDSA, …-CERT
//! ssh-invalid  = "Invalid user " user " from " addr [" port " port]
//! ssh-disconnect = "Disconnected from " who addr " port " port [preauth]
//!              / ["error: "] "Received disconnect from " addr [" port " port] ":" *SP code ":"
//!                *SP reason [preauth]
//!              / "Connection " ("closed" / "reset") " by " who addr [" port " port] [preauth]
//!              / "Disconnecting: Too many authentication failures" [" for " ["invalid user "] user]
//!                [preauth]
//!              / "Disconnecting " who addr " port " port ": " reason [preauth]
//!              / "Did not receive identification string from " addr [" port " port]
//! who          = [("authenticating user " / "invalid user " / "user ") user SP]
//! ssh-connect  = "Connection from " addr " port " port [" on " addr " port " port [SP text]]
//! pam-more     = "PAM " n " more authentication failure" ["s"] "; " pam-kv  ; auth-failure
//! preauth      = SP "[preauth]"
//! ; user names are taken as everything up to the last " from ADDR" (or " ADDR port N"), so
//! ; names with "-", "_", ".", "$" or even spaces parse; addr is IPv4 or IPv6 text.
//!
//! ; PAM (any program; "pam_unix(sshd:session): " prefix, or none after an "x(pam_unix)" ident)
//! pam-line     = module "(" service ":" type "): " pam-msg
//! pam-msg      = "session opened for user " user [uid] " by " [user] [uid]    ; session-open
//!              / "session closed for user " user                              ; session-close
//!              / "authentication failure; " pam-kv                            ; auth-failure
//!              / "password changed for " user                                 ; password-changed
//! uid          = "(uid=" n ")"
//! pam-kv       = *(key "=" [value] 1*SP)   ; logname uid euid tty ruser rhost user
//!
//! ; sudo: "%8s : %s" (user right-aligned), fields split on " ; ", COMMAND last
//! sudo         = *SP user " : " ( "(command continued) " text                ; sudo-continued
//!                              / [reason " ; "] sudo-kv *(" ; " sudo-kv) )
//! sudo-kv      = ("TTY" / "PWD" / "USER" / "GROUP" / "ENV" / "CHROOT" / "CWD" / …) "=" value
//!              / "COMMAND=" text                                           ; to end of line
//! reason       = n " incorrect password attempt" ["s"]                     ; sudo-failed
//!              / "user NOT in sudoers" / "user NOT authorized on host"
//!              / "command not allowed"                                     ; sudo-denied
//!              / text                                                      ; sudo-failed
//!
//! ; su
//! su           = "(to " user ") " user " on " tty / "Successful su for " user " by " user
//!              / "+ " tty SP user ":" user
//! su-failed    = "FAILED su for " user " by " user / "FAILED SU (to " user ") " user " on " tty
//!              / "- " tty SP user ":" user / "pam_authenticate: " text
//! ; login
//! login        = "ROOT LOGIN ON " tty / "ROOT LOGIN " *SP "on '" tty "'" [" from '" host "'"]
//!              / "LOGIN ON " tty " BY " user [" FROM " host]
//! login-failed = "FAILED LOGIN (" n ") on '" tty "' FOR '" user "', " reason  ; auth-failure
//! ; systemd-logind
//! logind-new   = "New session " id " of user " user "."
//! logind-gone  = "Removed session " id "." / "Session " id " logged out." [SP text]
//! ; cron / crond
//! cron         = "(" user ") CMD (" command ")"
//! ; useradd / groupadd
//! user-added   = "new user: " kv *(", " kv)      ; name UID GID home shell from
//! group-added  = "new group: " kv *(", " kv)     ; name GID
//! ```

use std::borrow::Cow;

use nom::{
    branch::alt,
    bytes::complete::{tag, take_till, take_till1, take_while1},
    character::complete::{char, digit1, space0},
    combinator::{eof, map_res, opt, recognize, rest},
    sequence::{delimited, pair, preceded, terminated},
    IResult,
};

use crate::record::FieldValue;

/// `ssh-login`: sshd accepted a login.
pub const SSH_LOGIN: &str = "ssh-login";
/// `ssh-failed`: sshd rejected an authentication attempt.
pub const SSH_FAILED: &str = "ssh-failed";
/// `ssh-invalid-user`: a client asked for a user that does not exist.
pub const SSH_INVALID_USER: &str = "ssh-invalid-user";
/// `ssh-disconnect`: an SSH connection ended (closed, reset, disconnected, refused).
pub const SSH_DISCONNECT: &str = "ssh-disconnect";
/// `ssh-connect`: a TCP connection reached sshd.
pub const SSH_CONNECT: &str = "ssh-connect";
/// `auth-failure`: a PAM (or login) authentication failure.
pub const AUTH_FAILURE: &str = "auth-failure";
/// `session-open`: a PAM session was opened.
pub const SESSION_OPEN: &str = "session-open";
/// `session-close`: a PAM session was closed.
pub const SESSION_CLOSE: &str = "session-close";
/// `sudo`: a command run through sudo.
pub const SUDO: &str = "sudo";
/// `sudo-failed`: sudo refused after failed authentication.
pub const SUDO_FAILED: &str = "sudo-failed";
/// `sudo-denied`: sudo refused by policy (not in sudoers, command not allowed).
pub const SUDO_DENIED: &str = "sudo-denied";
/// `sudo-continued`: a `(command continued)` line of a long sudo command.
pub const SUDO_CONTINUED: &str = "sudo-continued";
/// `su`: a successful su.
pub const SU: &str = "su";
/// `su-failed`: a failed su.
pub const SU_FAILED: &str = "su-failed";
/// `login`: a console login by login(1).
pub const LOGIN: &str = "login";
/// `logind-session-new`: systemd-logind created a session.
pub const LOGIND_SESSION_NEW: &str = "logind-session-new";
/// `logind-session-removed`: systemd-logind removed a session (or its user logged out).
pub const LOGIND_SESSION_REMOVED: &str = "logind-session-removed";
/// `cron`: cron ran a command for a user.
pub const CRON: &str = "cron";
/// `user-added`: useradd created a user.
pub const USER_ADDED: &str = "user-added";
/// `group-added`: groupadd created a group.
pub const GROUP_ADDED: &str = "group-added";
/// `password-changed`: a password was changed through PAM.
pub const PASSWORD_CHANGED: &str = "password-changed";
/// `auth-message`: any other message from an authentication program.
pub const AUTH_MESSAGE: &str = "auth-message";

/// Event kinds this module classifies, with what each means.
pub const KINDS: &[(&str, &str)] = &[
    (SSH_LOGIN, "sshd accepted a login (method, ip, port, key_type, fingerprint)"),
    (SSH_FAILED, "sshd rejected an authentication attempt (method, ip, port, invalid_user)"),
    (SSH_INVALID_USER, "a client asked sshd for a user that does not exist (ip, port)"),
    (SSH_DISCONNECT, "an SSH connection ended: disconnected, closed, reset, refused (ip, port, preauth)"),
    (SSH_CONNECT, "a TCP connection reached sshd (ip, port, local_ip, local_port)"),
    (AUTH_FAILURE, "a PAM or login authentication failure (service, rhost, ip, tty, count)"),
    (SESSION_OPEN, "a PAM session was opened (service, uid, by_user, by_uid)"),
    (SESSION_CLOSE, "a PAM session was closed (service)"),
    (SUDO, "a command run through sudo (tty, pwd, target_user, command)"),
    (SUDO_FAILED, "sudo refused after failed authentication (attempts, reason, command)"),
    (SUDO_DENIED, "sudo refused by policy: not in sudoers, command not allowed (reason, command)"),
    (SUDO_CONTINUED, "a '(command continued)' sudo line that could not be joined to its first part"),
    (SU, "a successful su (target_user, tty)"),
    (SU_FAILED, "a failed su (target_user, tty)"),
    (LOGIN, "a console login by login(1) (tty, rhost)"),
    (LOGIND_SESSION_NEW, "systemd-logind created a session (session)"),
    (LOGIND_SESSION_REMOVED, "systemd-logind removed a session or its user logged out (session)"),
    (CRON, "cron ran a command as a user (command)"),
    (USER_ADDED, "useradd created a user (uid, gid, home, shell)"),
    (GROUP_ADDED, "groupadd created a group (group, gid)"),
    (PASSWORD_CHANGED, "a password was changed through PAM (service)"),
    (AUTH_MESSAGE, "any other message from an authentication program"),
];

/// Most fields one [`AuthEvent`] holds (a sudo refusal has the most: 11).
pub const MAX_FIELDS: usize = 12;

/// What [`classify`] understood of one message body.
///
/// The fields live in one vector, allocated (for [`MAX_FIELDS`]) by the first field pushed:
/// an event moves through several grammar results on its way out, and moving three words is
/// cheaper than moving twelve fields held inline (which cost more than the allocation).
#[derive(Clone, Debug, PartialEq)]
pub struct AuthEvent<'a> {
    /// One of the kinds in [`KINDS`].
    pub kind: &'static str,
    /// The user the event is about (login user, sudo/su invoker, session owner).
    pub user: Option<&'a str>,
    fields: Vec<(&'static str, FieldValue<'a>)>,
}

impl<'a> AuthEvent<'a> {
    #[inline(always)]
    fn new(kind: &'static str) -> Self {
        AuthEvent { kind, user: None, fields: Vec::new() }
    }

    /// An event with room for exactly `n` fields plus one: the byte-level readers know how
    /// many fields they push, and the syslog parser puts its `ident` field in front of them
    /// (see [`AuthEvent::into_vec`]) without another allocation.
    #[inline(always)]
    fn sized(kind: &'static str, n: usize) -> Self {
        AuthEvent { kind, user: None, fields: Vec::with_capacity(n + 1) }
    }

    /// The fields vector itself, in order (the caller may put fields in front of them).
    pub(crate) fn into_vec(self) -> Vec<(&'static str, FieldValue<'a>)> {
        self.fields
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the event has no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The fields (snake_case keys), in the order the grammar reads them.
    pub fn fields(&self) -> impl Iterator<Item = &(&'static str, FieldValue<'a>)> {
        self.fields.iter()
    }

    /// Moves the fields out, in order (to extend a record's field vector).
    pub fn into_fields(self) -> impl Iterator<Item = (&'static str, FieldValue<'a>)> {
        self.fields.into_iter()
    }

    /// The value of a field, if set.
    pub fn field(&self, key: &str) -> Option<&FieldValue<'a>> {
        self.fields().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    #[inline(always)]
    fn push(mut self, key: &'static str, value: FieldValue<'a>) -> Self {
        if self.fields.len() < MAX_FIELDS {
            if self.fields.capacity() == 0 {
                self.fields.reserve_exact(MAX_FIELDS);
            }
            self.fields.push((key, value));
        }
        self
    }

    #[inline(always)]
    fn push_front(mut self, key: &'static str, value: FieldValue<'a>) -> Self {
        if self.fields.len() < MAX_FIELDS {
            if self.fields.capacity() == 0 {
                self.fields.reserve_exact(MAX_FIELDS);
            }
            self.fields.insert(0, (key, value));
        }
        self
    }

    #[inline(always)]
    fn user(mut self, user: &'a str) -> Self {
        self.user = (!user.is_empty()).then_some(user);
        self
    }

    #[inline(always)]
    fn str(self, key: &'static str, value: &'a str) -> Self {
        self.push(key, FieldValue::Str(Cow::Borrowed(value)))
    }

    #[inline(always)]
    fn opt_str(self, key: &'static str, value: Option<&'a str>) -> Self {
        match value {
            Some(v) if !v.is_empty() => self.str(key, v),
            _ => self,
        }
    }

    /// The `key_type` and `fingerprint` of a login's `: TYPE FINGERPRINT` suffix, if any.
    #[inline(always)]
    fn key(self, key: Option<(&'a str, &'a str)>) -> Self {
        self.opt_str("key_type", key.map(|k| k.0)).opt_str("fingerprint", key.map(|k| k.1))
    }

    #[inline(always)]
    fn int(self, key: &'static str, value: i64) -> Self {
        self.push(key, FieldValue::Int(value))
    }

    #[inline(always)]
    fn opt_int(self, key: &'static str, value: Option<i64>) -> Self {
        match value {
            Some(v) => self.int(key, v),
            None => self,
        }
    }
}

/// Which grammar a program's messages follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Sshd,
    Sudo,
    Su,
    Login,
    Accounts,
    /// passwd, pam, unix_chkpwd: PAM lines and nothing else.
    PamOnly,
    Logind,
    Cron,
    Other,
}

impl Family {
    /// Every message of these programs is an authentication event.
    fn is_auth(self) -> bool {
        !matches!(self, Family::Logind | Family::Cron | Family::Other)
    }
}

/// `program` and `module` of an identifier: `/usr/sbin/sshd` → (`sshd`, None),
/// `sshd(pam_unix)` → (`sshd`, Some(`pam_unix`)).
fn program(ident: &str) -> (&str, Option<&str>) {
    let ident = crate::scan::trim(ident);
    if ident.starts_with("--") {
        // login(1) rewrites its argv to "-- user" for the process title; glibc's syslog then
        // logs that as the identifier.
        return ("login", None);
    }
    // After the last `/` (an ASCII byte: a char boundary). Identifiers are short: a byte loop.
    let base = ident.bytes().rposition(|c| c == b'/').map_or(ident, |i| &ident[i + 1..]);
    if let Some(inner) = base.strip_suffix(')') {
        if let Some(open) = inner.find('(') {
            return (&inner[..open], Some(&inner[open + 1..]));
        }
    }
    (base, None)
}

fn family(name: &str) -> Family {
    // Compared case-insensitively: lowercased into a buffer as long as the longest name.
    let mut buf = [0u8; 16];
    let Some(lower) = buf.get_mut(..name.len()) else { return Family::Other };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    match &*lower {
        b"sshd" | b"sshd-session" | b"sshd-auth" => Family::Sshd,
        b"sudo" => Family::Sudo,
        b"su" => Family::Su,
        b"login" => Family::Login,
        b"useradd" | b"userdel" | b"usermod" | b"groupadd" | b"groupdel" | b"groupmod" | b"newusers" => {
            Family::Accounts
        }
        b"passwd" | b"chpasswd" | b"chage" | b"gpasswd" | b"pam" | b"unix_chkpwd" => Family::PamOnly,
        b"systemd-logind" => Family::Logind,
        b"cron" | b"crond" => Family::Cron,
        _ => Family::Other,
    }
}

/// Whether every message from `ident` is an authentication event (sshd, sudo, su, login,
/// useradd, …, or an old-style `program(pam_unix)` identifier). systemd-logind and cron are
/// not: only their session and command lines are.
pub fn is_auth_ident(ident: &str) -> bool {
    let (name, module) = program(ident);
    module.is_some_and(|m| m.starts_with("pam")) || family(name).is_auth()
}

/// Whether [`classify`] may read a body of `ident` other than a PAM line (`pam_…(service:
/// type): …`): every body of an authentication program ([`is_auth_ident`]), and cron's and
/// systemd-logind's session and command lines. Of any other program it reads PAM lines only.
pub fn reads_beyond_pam_lines(ident: &str) -> bool {
    let (name, module) = program(ident);
    module.is_some_and(|m| m.starts_with("pam")) || family(name) != Family::Other
}

/// Classifies a message `body` written by the program `ident`.
///
/// Returns `None` when the body is not an authentication event (a program outside the auth
/// families writing anything but a PAM session/failure line, logind or cron lines other
/// than sessions and commands). An auth program's unrecognised body is [`AUTH_MESSAGE`].
/// A [`SUDO_CONTINUED`] event carries the continued text in its `command` field; the caller
/// decides whether it joins the previous sudo record.
///
/// The commonest sshd and PAM bodies are read by byte-level readers first (see
/// [`classify_grammar`] for the grammars alone); the result is the same.
pub fn classify<'a>(ident: &str, body: &'a str) -> Option<AuthEvent<'a>> {
    classify_with(ident, body, true)
}

/// [`classify`] by the nom grammars alone, without the byte-level readers that answer for
/// the commonest bodies first: the specification those readers are tested against.
#[doc(hidden)]
pub fn classify_grammar<'a>(ident: &str, body: &'a str) -> Option<AuthEvent<'a>> {
    classify_with(ident, body, false)
}

fn classify_with<'a>(ident: &str, body: &'a str, readers: bool) -> Option<AuthEvent<'a>> {
    let body = trim_blanks(body);
    let (name, module) = program(ident);
    let fam = family(name);
    if readers {
        if let Some(ev) = read_common(name, module, fam, body) {
            return Some(ev);
        }
    }
    if module.is_some_and(|m| m.starts_with("pam")) {
        return Some(pam_msg(ident_service(name), body).unwrap_or_else(|| AuthEvent::new(AUTH_MESSAGE)));
    }
    let specific = match fam {
        Family::Sshd => sshd(body),
        Family::Sudo => sudo(body),
        Family::Su => su(body),
        Family::Login => login(body),
        Family::Accounts => accounts(body),
        Family::Logind => logind(body),
        Family::Cron => cron(body),
        Family::PamOnly | Family::Other => None,
    };
    if specific.is_some() {
        return specific;
    }
    match pam_line(body) {
        Some(Ok(ev)) => Some(ev),
        _ if fam.is_auth() => Some(AuthEvent::new(AUTH_MESSAGE)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Shared pieces

/// `text` without leading and trailing spaces and tabs (ASCII bytes: char boundaries).
fn trim_blanks(text: &str) -> &str {
    let b = text.as_bytes();
    let start = b.iter().position(|&c| c != b' ' && c != b'\t').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != b' ' && c != b'\t').map_or(start, |i| i + 1);
    &text[start..end]
}

type Res<'a, T> = IResult<&'a str, T>;

fn fail<T>(input: &str) -> Res<'_, T> {
    Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)))
}

/// Runs a grammar over a whole body; `None` when it does not match.
fn run<'a>(body: &'a str, grammar: impl FnOnce(&'a str) -> Res<'a, AuthEvent<'a>>) -> Option<AuthEvent<'a>> {
    grammar(body).ok().map(|(_, ev)| ev)
}

fn int(input: &str) -> Res<'_, i64> {
    map_res(digit1, str::parse::<i64>)(input)
}

fn port(input: &str) -> Res<'_, i64> {
    map_res(digit1, |s: &str| s.parse::<u16>().map(i64::from))(input)
}

/// A token up to the next space.
fn token(input: &str) -> Res<'_, &str> {
    take_till1(|c| c == ' ')(input)
}

/// An IPv4 or IPv6 address as text (IPv6 with an optional `%zone`).
fn addr(input: &str) -> Res<'_, &str> {
    alt((ipv4, ipv6))(input)
}

/// `1*3DIGIT 3("." 1*3DIGIT)`, not followed by another digit or dot. A byte loop: every
/// sshd line goes through here, often several times (see [`user_addr_port`]).
fn ipv4(input: &str) -> Res<'_, &str> {
    let b = input.as_bytes();
    let mut i = 0;
    for octet in 0..4 {
        if octet > 0 {
            if b.get(i) != Some(&b'.') {
                return fail(input);
            }
            i += 1;
        }
        let start = i;
        while i < b.len() && i - start < 3 && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return fail(input);
        }
    }
    if b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'.') {
        return fail(input);
    }
    // ASCII digits and dots up to `i`: a char boundary.
    Ok((&input[i..], &input[..i]))
}

/// The longest run of hex digits, `:` and `.` that is an IPv6 address (a `:` right after it,
/// as in `::1: 11: Bye`, is left alone), plus an optional `%zone`.
fn ipv6(input: &str) -> Res<'_, &str> {
    let (_, run) = take_while1(|c: char| c.is_ascii_hexdigit() || c == ':' || c == '.')(input)?;
    let end = [run.len(), run.len() - 1]
        .into_iter()
        .find(|&end| end > 0 && run[..end].contains(':') && run[..end].parse::<std::net::Ipv6Addr>().is_ok());
    let Some(end) = end else { return fail(input) };
    let (rest, zone) = opt(pair(
        char('%'),
        take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
    ))(&input[end..])?;
    let len = end + zone.map_or(0, |(_, z)| 1 + z.len());
    Ok((rest, &input[..len]))
}

/// `ADDR " port " PORT`.
fn addr_port(input: &str) -> Res<'_, (&str, i64)> {
    pair(addr, preceded(tag(" port "), port))(input)
}

/// `USER " from " ADDR`: the user is everything before the last ` from ` that is followed
/// by an address, so user names may contain anything, even ` from `.
fn user_from(input: &str) -> Res<'_, (&str, &str)> {
    static FROM: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(" from "));
    let mut end = input.len();
    while let Some(pos) = FROM.rfind(&input.as_bytes()[..end]) {
        if let Ok((rest, a)) = addr(&input[pos + 6..]) {
            if rest.is_empty() || rest.starts_with(' ') || rest.starts_with(':') {
                return Ok((rest, (&input[..pos], a)));
            }
        }
        end = pos;
    }
    fail(input)
}

/// `USER SP ADDR " port " PORT`: the user is everything before the last address-port pair.
fn user_addr_port(input: &str) -> Res<'_, (&str, &str, i64)> {
    let mut end = input.len();
    while let Some(pos) = memchr::memrchr(b' ', &input.as_bytes()[..end]) {
        if let Ok((rest, (a, p))) = addr_port(&input[pos + 1..]) {
            return Ok((rest, (&input[..pos], a, p)));
        }
        end = pos;
    }
    fail(input)
}

/// The ` [preauth]` suffix at the end of a body.
fn preauth(input: &str) -> Res<'_, bool> {
    let (input, _) = space0(input)?;
    let (input, p) = opt(tag("[preauth]"))(input)?;
    Ok((input, p.is_some()))
}

/// Removes a trailing ` [preauth]` from free text.
fn strip_preauth(text: &str) -> (&str, bool) {
    match text.strip_suffix("[preauth]") {
        Some(t) => (t.trim_end(), true),
        None => (text, false),
    }
}

// ---------------------------------------------------------------------------------------
// sshd

fn sshd(body: &str) -> Option<AuthEvent<'_>> {
    let first = body.as_bytes().first()?;
    match first {
        b'A' => run(body, accepted),
        b'F' => run(body, failed),
        b'I' => run(body, invalid_user),
        b'D' => run(body, disconnected)
            .or_else(|| run(body, disconnecting))
            .or_else(|| run(body, no_identification)),
        b'R' | b'e' => run(body, received_disconnect),
        b'C' => run(body, connection_closed).or_else(|| run(body, connection_from)),
        b'P' => run(body, pam_more),
        _ => None,
    }
}

/// `[": " KEY_TYPE SP FINGERPRINT [SP text]]` after `ssh2`.
fn key_suffix(input: &str) -> Res<'_, Option<(&str, &str)>> {
    opt(preceded(tag(": "), pair(token, preceded(char(' '), token))))(input)
}

/// `[SP+ proto]`, e.g. ` ssh2` (plaso's sample has two spaces).
fn proto(input: &str) -> Res<'_, Option<&str>> {
    opt(preceded(take_while1(|c| c == ' '), take_while1(|c: char| c.is_ascii_alphanumeric())))(input)
}

fn accepted(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, method) = preceded(tag("Accepted "), token)(input)?;
    let (input, (user, ip)) = preceded(tag(" for "), user_from)(input)?;
    let (input, port) = preceded(tag(" port "), port)(input)?;
    let (input, _) = proto(input)?;
    let (input, key) = key_suffix(input)?;
    let ev =
        AuthEvent::new(SSH_LOGIN).user(user).str("method", method).str("ip", ip).int("port", port).key(key);
    Ok((input, ev))
}

fn failed(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, method) = preceded(tag("Failed "), token)(input)?;
    let (input, _) = tag(" for ")(input)?;
    let (input, invalid) = opt(tag("invalid user "))(input)?;
    let (input, (user, ip)) = user_from(input)?;
    let (input, port) = opt(preceded(tag(" port "), port))(input)?;
    let (input, _) = proto(input)?;
    let (input, key) = key_suffix(input)?;
    let ev = AuthEvent::new(SSH_FAILED)
        .user(user)
        .str("method", method)
        .str("ip", ip)
        .opt_int("port", port)
        .int("invalid_user", invalid.is_some() as i64)
        .key(key);
    Ok((input, ev))
}

fn invalid_user(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, (user, ip)) = preceded(tag("Invalid user "), user_from)(input)?;
    let (input, port) = opt(preceded(tag(" port "), port))(input)?;
    let ev = AuthEvent::new(SSH_INVALID_USER).user(user).str("ip", ip).opt_int("port", port);
    Ok((input, ev))
}

/// `who` in the grammar: an optional user qualifier; returns (user, invalid) when present.
fn who(input: &str) -> Res<'_, Option<bool>> {
    opt(alt((
        nom::combinator::value(false, tag("authenticating user ")),
        nom::combinator::value(true, tag("invalid user ")),
        nom::combinator::value(false, tag("user ")),
    )))(input)
}

/// `who ADDR [" port " PORT] [preauth]` shared by the disconnect lines.
fn who_addr<'a>(kind: &'static str, input: &'a str) -> Res<'a, AuthEvent<'a>> {
    let (input, qualifier) = who(input)?;
    let mut ev = AuthEvent::new(kind);
    let input = match qualifier {
        Some(invalid) => {
            let (input, (user, ip, port)) = user_addr_port(input)?;
            ev = ev.user(user).str("ip", ip).int("port", port).int("invalid_user", invalid as i64);
            input
        }
        None => {
            let (input, ip) = addr(input)?;
            let (input, port) = opt(preceded(tag(" port "), port))(input)?;
            ev = ev.str("ip", ip).opt_int("port", port);
            input
        }
    };
    Ok((input, ev))
}

fn disconnected(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, ev) = preceded(tag("Disconnected from "), |i| who_addr(SSH_DISCONNECT, i))(input)?;
    let (input, pre) = terminated(preauth, eof)(input)?;
    Ok((input, ev.int("preauth", pre as i64)))
}

fn connection_closed(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, how) = preceded(tag("Connection "), alt((tag("closed"), tag("reset"))))(input)?;
    let (input, ev) = preceded(tag(" by "), |i| who_addr(SSH_DISCONNECT, i))(input)?;
    let (input, pre) = terminated(preauth, eof)(input)?;
    let reason = if how == "closed" { "connection closed" } else { "connection reset" };
    Ok((input, ev.int("preauth", pre as i64).str("reason", reason)))
}

fn disconnecting(input: &str) -> Res<'_, AuthEvent<'_>> {
    alt((too_many_failures, disconnecting_who))(input)
}

fn too_many_failures(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, _) = tag("Disconnecting: Too many authentication failures")(input)?;
    let (input, user) =
        opt(preceded(tag(" for "), pair(opt(tag("invalid user ")), take_till1(|c| c == ' '))))(input)?;
    let (input, pre) = terminated(preauth, eof)(input)?;
    let mut ev = AuthEvent::new(SSH_DISCONNECT);
    if let Some((invalid, user)) = user {
        ev = ev.user(user).int("invalid_user", invalid.is_some() as i64);
    }
    Ok((input, ev.int("preauth", pre as i64).str("reason", "Too many authentication failures")))
}

fn disconnecting_who(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, ev) = preceded(tag("Disconnecting "), |i| who_addr(SSH_DISCONNECT, i))(input)?;
    let (input, text) = preceded(tag(": "), rest)(input)?;
    let (reason, pre) = strip_preauth(text);
    Ok((input, ev.int("preauth", pre as i64).str("reason", reason)))
}

fn no_identification(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, ip) = preceded(tag("Did not receive identification string from "), addr)(input)?;
    let (input, port) = opt(preceded(tag(" port "), port))(input)?;
    let (input, _) = eof(input)?;
    let ev = AuthEvent::new(SSH_DISCONNECT)
        .str("ip", ip)
        .opt_int("port", port)
        .int("preauth", 1)
        .str("reason", "no identification string");
    Ok((input, ev))
}

fn received_disconnect(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, _) = opt(tag("error: "))(input)?;
    let (input, ip) = preceded(tag("Received disconnect from "), addr)(input)?;
    let (input, port) = opt(preceded(tag(" port "), port))(input)?;
    let (input, code) = delimited(pair(char(':'), space0), int, pair(char(':'), space0))(input)?;
    let (input, text) = rest(input)?;
    let (reason, pre) = strip_preauth(text);
    let ev = AuthEvent::new(SSH_DISCONNECT)
        .str("ip", ip)
        .opt_int("port", port)
        .int("preauth", pre as i64)
        .int("code", code)
        .str("reason", reason);
    Ok((input, ev))
}

fn connection_from(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, (ip, port)) = preceded(tag("Connection from "), addr_port)(input)?;
    let (input, local) = opt(preceded(tag(" on "), addr_port))(input)?;
    let ev = AuthEvent::new(SSH_CONNECT)
        .str("ip", ip)
        .int("port", port)
        .opt_str("local_ip", local.map(|l| l.0))
        .opt_int("local_port", local.map(|l| l.1));
    Ok((input, ev))
}

fn pam_more(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, count) = delimited(tag("PAM "), int, tag(" more authentication failure"))(input)?;
    let (input, _) = pair(opt(char('s')), tag("; "))(input)?;
    let ev = AuthEvent::new(AUTH_FAILURE).str("service", "sshd").int("count", count);
    pam_kv(input, ev)
}

// ---------------------------------------------------------------------------------------
// PAM

/// A `module(service:type): msg` line. `Some(Ok)` when the message is understood,
/// `Some(Err(()))` for another PAM line, `None` when the body is not a PAM line.
fn pam_line(body: &str) -> Option<Result<AuthEvent<'_>, ()>> {
    let (msg, (_module, service, _type)) = pam_prefix(body).ok()?;
    Some(pam_msg(Cow::Borrowed(service), msg).ok_or(()))
}

/// `module "(" service ":" type "): "` → (module, service, type).
fn pam_prefix(input: &str) -> Res<'_, (&str, &str, &str)> {
    let (input, module) =
        recognize(pair(tag("pam_"), take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_')))(input)?;
    let (input, service) = preceded(char('('), take_till1(|c| c == ':' || c == ')'))(input)?;
    let (input, kind) = delimited(char(':'), take_till(|c| c == ')'), tag("): "))(input)?;
    Ok((input, (module, service, kind)))
}

/// The message after a PAM prefix (or after an old `program(pam_unix)` identifier), with
/// the PAM service it names.
fn pam_msg<'a>(service: Cow<'a, str>, msg: &'a str) -> Option<AuthEvent<'a>> {
    let ev = match msg.as_bytes().first()? {
        b's' => run(msg, session_opened).or_else(|| run(msg, session_closed)),
        b'a' => run(msg, auth_failure),
        b'p' => run(msg, password_changed),
        _ => None,
    }?;
    Some(ev.push_front("service", FieldValue::Str(service)))
}

/// The service of an old-style `program(pam_unix)` identifier. The identifier may live
/// shorter than the body (a journal field), so common names are static and others copied.
fn ident_service<'a>(name: &str) -> Cow<'a, str> {
    const SERVICES: &[&str] = &[
        "sshd", "sudo", "su", "login", "cron", "crond", "gdm", "passwd", "vsftpd", "ftpd", "xdm", "kdm",
        "remote", "rlogin", "rsh", "samba", "dovecot", "atd",
    ];
    match SERVICES.iter().find(|s| s.eq_ignore_ascii_case(name)) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(name.to_owned()),
    }
}

/// `"(uid=" N ")"`.
fn uid(input: &str) -> Res<'_, i64> {
    delimited(tag("(uid="), int, char(')'))(input)
}

fn pam_user(input: &str) -> Res<'_, &str> {
    take_till1(|c| c == ' ' || c == '(')(input)
}

fn session_opened(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, user) = preceded(tag("session opened for user "), pam_user)(input)?;
    let (input, user_uid) = opt(uid)(input)?;
    let (input, by) = opt(preceded(tag(" by "), pair(opt(pam_user), opt(uid))))(input)?;
    let (by_user, by_uid) = by.unwrap_or((None, None));
    let ev = AuthEvent::new(SESSION_OPEN)
        .user(user)
        .opt_int("uid", user_uid)
        .opt_str("by_user", by_user)
        .opt_int("by_uid", by_uid);
    Ok((input, ev))
}

fn session_closed(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, user) = preceded(tag("session closed for user "), pam_user)(input)?;
    let (input, user_uid) = opt(uid)(input)?;
    Ok((input, AuthEvent::new(SESSION_CLOSE).user(user).opt_int("uid", user_uid)))
}

fn auth_failure(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, _) = tag("authentication failure; ")(input)?;
    pam_kv(input, AuthEvent::new(AUTH_FAILURE))
}

fn password_changed(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, user) = preceded(tag("password changed for "), token)(input)?;
    Ok((input, AuthEvent::new(PASSWORD_CHANGED).user(user)))
}

/// `logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root` into fields and user.
fn pam_kv<'a>(mut input: &'a str, mut ev: AuthEvent<'a>) -> Res<'a, AuthEvent<'a>> {
    loop {
        let (i, _) = space0(input)?;
        if i.is_empty() {
            return Ok((i, ev));
        }
        let (i, (key, value)) =
            pair(take_till1(|c| c == '=' || c == ' '), preceded(char('='), take_till(|c| c == ' ')))(i)?;
        ev = pam_pair(key, value).apply(ev);
        input = i;
    }
}

/// What one `key=value` pair of a PAM line gives an event.
#[derive(Clone, Copy, Debug, PartialEq)]
enum PamPair<'a> {
    /// Nothing: an unknown key, an empty value, a uid that is not a number.
    Skip,
    /// A text field.
    Str(&'static str, &'a str),
    /// A number field.
    Int(&'static str, i64),
    /// `rhost` (when not empty), and `ip` when it is an address.
    Rhost(&'a str, Option<&'a str>),
    /// The event's user.
    User(&'a str),
}

fn pam_pair<'a>(key: &str, value: &'a str) -> PamPair<'a> {
    match key {
        "logname" | "tty" | "ruser" if value.is_empty() => PamPair::Skip,
        "logname" => PamPair::Str("logname", value),
        "tty" => PamPair::Str("tty", value),
        "ruser" => PamPair::Str("ruser", value),
        "uid" | "euid" => match value.parse::<i64>() {
            Ok(n) => PamPair::Int(if key == "uid" { "uid" } else { "euid" }, n),
            Err(_) => PamPair::Skip,
        },
        "rhost" => PamPair::Rhost(
            value,
            match addr(value) {
                Ok(("", ip)) => Some(ip),
                _ => None,
            },
        ),
        "user" => PamPair::User(value),
        _ => PamPair::Skip,
    }
}

impl<'a> PamPair<'a> {
    /// How many fields the pair pushes.
    fn len(&self) -> usize {
        match self {
            PamPair::Skip | PamPair::User(_) => 0,
            PamPair::Str(..) | PamPair::Int(..) => 1,
            PamPair::Rhost(rhost, ip) => !rhost.is_empty() as usize + ip.is_some() as usize,
        }
    }

    fn apply(self, ev: AuthEvent<'a>) -> AuthEvent<'a> {
        match self {
            PamPair::Skip => ev,
            PamPair::Str(key, value) => ev.str(key, value),
            PamPair::Int(key, n) => ev.int(key, n),
            PamPair::Rhost(rhost, ip) => ev.opt_str("rhost", Some(rhost)).opt_str("ip", ip),
            PamPair::User(user) => ev.user(user),
        }
    }
}

// ---------------------------------------------------------------------------------------
// sudo

fn sudo(body: &str) -> Option<AuthEvent<'_>> {
    run(body, sudo_line)
}

fn sudo_line(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, user) = delimited(space0, token, tag(" : "))(input)?;
    if let Ok((_, continued)) =
        preceded(tag("(command continued) "), rest::<&str, nom::error::Error<&str>>)(input)
    {
        return Ok(("", AuthEvent::new(SUDO_CONTINUED).user(user).str("command", continued)));
    }
    // An optional leading reason (a segment without `=`), then the key=value segments.
    let first_end = input.find(" ; ").unwrap_or(input.len());
    let first = &input[..first_end];
    let (kind, mut ev, fields) = if first.contains('=') {
        (SUDO, AuthEvent::new(SUDO).user(user), input)
    } else {
        let after = input.get(first_end + 3..).unwrap_or("");
        let (kind, ev) = sudo_reason(first, user);
        (kind, ev, after)
    };
    if kind == SUDO && !fields.contains("COMMAND=") {
        // A sudo line that is neither a command nor a refusal (e.g. a configuration error).
        return Ok(("", AuthEvent::new(AUTH_MESSAGE).user(user)));
    }
    let mut segs = fields;
    while !segs.is_empty() {
        if let Some(command) = segs.strip_prefix("COMMAND=") {
            ev = ev.str("command", command);
            break;
        }
        let end = segs.find(" ; ").unwrap_or(segs.len());
        let seg = &segs[..end];
        if let Some((key, value)) = seg.split_once('=') {
            let key = match key {
                "TTY" => Some("tty"),
                "PWD" => Some("pwd"),
                "USER" => Some("target_user"),
                "GROUP" => Some("target_group"),
                "ENV" => Some("env"),
                "CHROOT" => Some("chroot"),
                "CWD" => Some("cwd"),
                "TSID" => Some("tsid"),
                _ => None,
            };
            if let Some(key) = key {
                ev = ev.str(key, value);
            }
        }
        segs = segs.get(end + 3..).unwrap_or("");
    }
    Ok(("", ev))
}

fn sudo_reason<'a>(reason: &'a str, user: &'a str) -> (&'static str, AuthEvent<'a>) {
    let attempts = terminated(int, pair(tag(" incorrect password attempt"), opt(char('s'))))(reason);
    if let Ok(("", n)) = attempts {
        return (
            SUDO_FAILED,
            AuthEvent::new(SUDO_FAILED).user(user).int("attempts", n).str("reason", reason),
        );
    }
    let denied = reason.contains("NOT in sudoers")
        || reason.contains("NOT authorized")
        || reason.contains("not allowed");
    let kind = if denied { SUDO_DENIED } else { SUDO_FAILED };
    (kind, AuthEvent::new(kind).user(user).str("reason", reason))
}

// ---------------------------------------------------------------------------------------
// su, login

fn su(body: &str) -> Option<AuthEvent<'_>> {
    run(body, alt((su_to, su_successful, su_failed_for, su_failed_to, su_plus_minus, su_pam_fail)))
}

/// `(to root) deploy on pts/0`
fn su_to(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, target) = delimited(tag("(to "), take_till1(|c| c == ')'), tag(") "))(input)?;
    let (input, user) = token(input)?;
    let (input, tty) = opt(preceded(tag(" on "), token))(input)?;
    Ok((input, AuthEvent::new(SU).user(user).str("target_user", target).opt_str("tty", tty)))
}

/// `FAILED SU (to root) deploy on pts/0`
fn su_failed_to(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, mut ev) = preceded(tag("FAILED SU "), su_to)(input)?;
    ev.kind = SU_FAILED;
    Ok((input, ev))
}

/// `Successful su for root by deploy`
fn su_successful(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, target) = preceded(tag("Successful su for "), token)(input)?;
    let (input, user) = preceded(tag(" by "), token)(input)?;
    Ok((input, AuthEvent::new(SU).user(user).str("target_user", target)))
}

/// `FAILED su for root by deploy`
fn su_failed_for(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, target) = preceded(tag("FAILED su for "), token)(input)?;
    let (input, user) = preceded(tag(" by "), token)(input)?;
    Ok((input, AuthEvent::new(SU_FAILED).user(user).str("target_user", target)))
}

/// `+ pts/0 deploy:root` (success) / `- pts/0 deploy:root` (failure)
fn su_plus_minus(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, sign) = alt((tag("+ "), tag("- ")))(input)?;
    let (input, tty) = token(input)?;
    let (input, user) = preceded(char(' '), take_till1(|c| c == ':' || c == ' '))(input)?;
    let (input, target) = preceded(char(':'), token)(input)?;
    let (input, _) = eof(input)?;
    let kind = if sign == "+ " { SU } else { SU_FAILED };
    Ok((input, AuthEvent::new(kind).user(user).str("target_user", target).str("tty", tty)))
}

/// `pam_authenticate: Authentication failure`
fn su_pam_fail(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, reason) = preceded(tag("pam_authenticate: "), rest)(input)?;
    Ok((input, AuthEvent::new(SU_FAILED).str("reason", reason)))
}

fn login(body: &str) -> Option<AuthEvent<'_>> {
    run(body, alt((root_login_on, root_login_quoted, login_on_by, failed_login)))
}

/// util-linux: `ROOT LOGIN ON tty2`
fn root_login_on(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, tty) = preceded(tag("ROOT LOGIN ON "), token)(input)?;
    let (input, host) = opt(preceded(tag(" FROM "), token))(input)?;
    Ok((input, AuthEvent::new(LOGIN).user("root").str("tty", tty).opt_str("rhost", host)))
}

/// shadow: `ROOT LOGIN  on '/dev/tty1' [from 'host']`
fn root_login_quoted(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, _) = pair(tag("ROOT LOGIN"), take_while1(|c| c == ' '))(input)?;
    let (input, tty) = delimited(tag("on '"), take_till(|c| c == '\''), char('\''))(input)?;
    let (input, host) = opt(delimited(tag(" from '"), take_till(|c| c == '\''), char('\'')))(input)?;
    Ok((input, AuthEvent::new(LOGIN).user("root").str("tty", tty).opt_str("rhost", host)))
}

/// util-linux: `LOGIN ON tty1 BY deploy [FROM host]`
fn login_on_by(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, tty) = preceded(tag("LOGIN ON "), token)(input)?;
    let (input, user) = preceded(tag(" BY "), token)(input)?;
    let (input, host) = opt(preceded(tag(" FROM "), token))(input)?;
    Ok((input, AuthEvent::new(LOGIN).user(user).str("tty", tty).opt_str("rhost", host)))
}

/// shadow: `FAILED LOGIN (1) on '/dev/tty1' FOR 'UNKNOWN', Authentication failure`
fn failed_login(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, count) = delimited(tag("FAILED LOGIN ("), int, tag(") on '"))(input)?;
    let (input, tty) = terminated(take_till(|c| c == '\''), tag("' FOR '"))(input)?;
    let (input, user) = terminated(take_till(|c| c == '\''), char('\''))(input)?;
    let (input, reason) = opt(preceded(tag(", "), rest))(input)?;
    let ev = AuthEvent::new(AUTH_FAILURE)
        .user(user)
        .str("service", "login")
        .str("tty", tty)
        .int("count", count)
        .opt_str("reason", reason);
    Ok((input, ev))
}

// ---------------------------------------------------------------------------------------
// systemd-logind, cron, useradd/groupadd

fn logind(body: &str) -> Option<AuthEvent<'_>> {
    run(body, alt((logind_new, logind_removed, logind_logged_out)))
}

fn session_id(input: &str) -> Res<'_, &str> {
    take_while1(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_')(input)
}

fn logind_new(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, id) = delimited(tag("New session "), session_id, tag(" of user "))(input)?;
    let (input, user) = take_till1(|c| c == ' ')(input)?;
    let user = user.strip_suffix('.').unwrap_or(user);
    Ok((input, AuthEvent::new(LOGIND_SESSION_NEW).user(user).str("session", id)))
}

fn logind_removed(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, id) = delimited(tag("Removed session "), session_id, pair(char('.'), eof))(input)?;
    Ok((input, AuthEvent::new(LOGIND_SESSION_REMOVED).str("session", id)))
}

fn logind_logged_out(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, id) = delimited(tag("Session "), session_id, tag(" logged out."))(input)?;
    Ok((input, AuthEvent::new(LOGIND_SESSION_REMOVED).str("session", id)))
}

fn cron(body: &str) -> Option<AuthEvent<'_>> {
    run(body, cron_cmd)
}

/// `(root) CMD (command)`: the command is everything up to the line's last `)`.
fn cron_cmd(input: &str) -> Res<'_, AuthEvent<'_>> {
    let (input, user) = delimited(char('('), take_till1(|c| c == ')'), tag(") CMD ("))(input)?;
    let command = input.strip_suffix(')').unwrap_or(input);
    Ok(("", AuthEvent::new(CRON).user(user).str("command", command)))
}

fn accounts(body: &str) -> Option<AuthEvent<'_>> {
    if let Some(list) = body.strip_prefix("new user: ") {
        let mut ev = AuthEvent::new(USER_ADDED);
        for (key, value) in comma_kv(list) {
            ev = match key {
                "name" => ev.user(value),
                "UID" => ev.opt_int("uid", value.parse().ok()),
                "GID" => ev.opt_int("gid", value.parse().ok()),
                "home" => ev.str("home", value),
                "shell" => ev.str("shell", value),
                "from" => ev.str("from", value),
                _ => ev,
            };
        }
        return Some(ev);
    }
    if let Some(list) = body.strip_prefix("new group: ") {
        let mut ev = AuthEvent::new(GROUP_ADDED);
        for (key, value) in comma_kv(list) {
            ev = match key {
                "name" => ev.str("group", value),
                "GID" => ev.opt_int("gid", value.parse().ok()),
                "from" => ev.str("from", value),
                _ => ev,
            };
        }
        return Some(ev);
    }
    None
}

/// `k=v, k=v, …` (values without commas).
fn comma_kv(list: &str) -> impl Iterator<Item = (&str, &str)> {
    list.split(',').filter_map(|kv| kv.trim().split_once('='))
}

// ---------------------------------------------------------------------------------------
// Byte-level readers
//
// The commonest bodies (sshd's attempts and disconnects, the bulk of brute-force noise, and
// PAM sessions and authentication failures) are read here first, over bytes, without the
// combinator chains above. Each reader mirrors one grammar for the shapes programs write and
// gives up (`None`) on anything else, which the grammars then read: a reader answers only
// where its grammar gives the same event (kind, user, fields in the same order), and it
// allocates the event's fields once, at their exact number. The pieces the grammars share
// with them (`user_from`, `addr`, `strip_preauth`, `pam_pair`) are called, not copied.
// `tests::readers_are_the_grammar` checks the readers against [`classify_grammar`].

/// The readers' part of [`classify`]: `Some` only where the grammars give the same event.
fn read_common<'a>(name: &str, module: Option<&str>, fam: Family, body: &'a str) -> Option<AuthEvent<'a>> {
    if module.is_some_and(|m| m.starts_with("pam")) {
        return read_pam_msg(ident_service(name), body);
    }
    match fam {
        // No sshd grammar reads a body starting with `p`, no cron grammar one without `(`,
        // no logind grammar one without `New`/`Removed`/`Session`: a PAM line is theirs to
        // read only by `pam_line`.
        Family::Sshd => read_sshd(body).or_else(|| read_pam_line(body)),
        Family::Logind => read_logind(body).or_else(|| read_pam_line(body)),
        Family::Cron | Family::PamOnly | Family::Other => read_pam_line(body),
        // sudo's grammar reads any body whose first word is followed by ` : `, and no other.
        Family::Sudo => match body.find(' ') {
            Some(i) if body[i..].starts_with(" : ") => read_sudo_command(body),
            _ => read_pam_line(body),
        },
        _ => None,
    }
}

/// `user " : " kv *(" ; " kv) " ; COMMAND=" command`: a command run through sudo, as
/// [`sudo_line`] reads it (refusals, continuation lines and other shapes are the grammar's).
fn read_sudo_command(body: &str) -> Option<AuthEvent<'_>> {
    const MAX: usize = 8;
    let (user, rest) = read_word(body)?;
    let mut rest = rest.strip_prefix(" : ")?;
    if rest.starts_with("(command continued) ") || !rest[..read_segment_end(rest)].contains('=') {
        return None;
    }
    let mut fields = [("", ""); MAX];
    let mut n = 0;
    let command = loop {
        if let Some(command) = rest.strip_prefix("COMMAND=") {
            break command;
        }
        let end = read_segment_end(rest);
        if let Some((key, value)) = rest[..end].split_once('=') {
            let key = match key {
                "TTY" => "tty",
                "PWD" => "pwd",
                "USER" => "target_user",
                "GROUP" => "target_group",
                "ENV" => "env",
                "CHROOT" => "chroot",
                "CWD" => "cwd",
                "TSID" => "tsid",
                _ => "",
            };
            if !key.is_empty() {
                *fields.get_mut(n)? = (key, value);
                n += 1;
            }
        }
        // No `COMMAND=` segment: the grammar decides (`auth-message`, or fields only).
        rest = rest.get(end + 3..).filter(|r| !r.is_empty())?;
    };
    let ev = AuthEvent::sized(SUDO, n + 1).user(user);
    Some(fields[..n].iter().fold(ev, |ev, &(key, value)| ev.str(key, value)).str("command", command))
}

/// Where the first ` ; ` of `text` is (its length when there is none), found by its `;`.
fn read_segment_end(text: &str) -> usize {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b';', &b[from..]).map(|i| from + i) {
        if i > 0 && b[i - 1] == b' ' && b.get(i + 1) == Some(&b' ') {
            return i - 1;
        }
        from = i + 1;
    }
    b.len()
}

/// systemd-logind's session lines (see [`logind`]): `"New session " id " of user " user`
/// [text], `"Removed session " id "."`, `"Session " id " logged out."` [text].
fn read_logind(body: &str) -> Option<AuthEvent<'_>> {
    if let Some(rest) = body.strip_prefix("New session ") {
        let (id, rest) = read_session_id(rest)?;
        let rest = rest.strip_prefix(" of user ")?;
        let user = &rest[..rest.find(' ').unwrap_or(rest.len())];
        if user.is_empty() {
            return None;
        }
        let user = user.strip_suffix('.').unwrap_or(user);
        return Some(AuthEvent::sized(LOGIND_SESSION_NEW, 1).user(user).str("session", id));
    }
    let id = match body.strip_prefix("Removed session ") {
        Some(rest) => {
            let (id, rest) = read_session_id(rest)?;
            (rest == ".").then_some(id)?
        }
        None => {
            let (id, rest) = read_session_id(body.strip_prefix("Session ")?)?;
            rest.starts_with(" logged out.").then_some(id)?
        }
    };
    Some(AuthEvent::sized(LOGIND_SESSION_REMOVED, 1).str("session", id))
}

/// A logind session id (one or more ASCII letters, digits, `-`, `_`) and the rest.
fn read_session_id(text: &str) -> Option<(&str, &str)> {
    let n = text.bytes().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_')).count();
    (n > 0).then(|| (&text[..n], &text[n..]))
}

/// The sshd bodies with a reader, told by their first byte as [`sshd`] tells them.
fn read_sshd(body: &str) -> Option<AuthEvent<'_>> {
    match body.as_bytes().first()? {
        b'A' => read_accepted(body),
        b'F' => read_failed(body),
        b'I' => read_invalid_user(body),
        b'D' => read_disconnected(body),
        b'R' | b'e' => read_received_disconnect(body),
        b'C' => read_connection_closed(body),
        _ => None,
    }
}

/// `"Accepted " method " for " user " from " addr " port " port tail`, as [`accepted`]
/// reads it.
fn read_accepted(body: &str) -> Option<AuthEvent<'_>> {
    let (method, rest) = read_word(body.strip_prefix("Accepted ")?)?;
    let (user, ip, rest) = read_user_from(rest.strip_prefix(" for ")?)?;
    let (port, rest) = read_port(rest.strip_prefix(" port ")?)?;
    let key = read_ssh_tail(rest)?;
    let ev = AuthEvent::sized(SSH_LOGIN, 3 + 2 * key.is_some() as usize)
        .user(user)
        .str("method", method)
        .str("ip", ip)
        .int("port", port)
        .key(key);
    Some(ev)
}

/// `"Failed " method " for " ["invalid user "] user " from " addr " port " port tail`, as
/// [`failed`] reads it (with a port: old sshd's lines without one are the grammar's).
fn read_failed(body: &str) -> Option<AuthEvent<'_>> {
    let (method, rest) = read_word(body.strip_prefix("Failed ")?)?;
    let rest = rest.strip_prefix(" for ")?;
    let (invalid, rest) = match rest.strip_prefix("invalid user ") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let (user, ip, rest) = read_user_from(rest)?;
    let (port, rest) = read_port(rest.strip_prefix(" port ")?)?;
    let key = read_ssh_tail(rest)?;
    let ev = AuthEvent::sized(SSH_FAILED, 4 + 2 * key.is_some() as usize)
        .user(user)
        .str("method", method)
        .str("ip", ip)
        .int("port", port)
        .int("invalid_user", invalid as i64)
        .key(key);
    Some(ev)
}

/// `"Invalid user " user " from " addr [" port " port [text]]`, as [`invalid_user`] reads it.
fn read_invalid_user(body: &str) -> Option<AuthEvent<'_>> {
    let (user, ip, rest) = read_user_from(body.strip_prefix("Invalid user ")?)?;
    let port = match rest.strip_prefix(" port ") {
        Some(rest) => Some(read_port(rest)?.0),
        None => None,
    };
    Some(
        AuthEvent::sized(SSH_INVALID_USER, 1 + port.is_some() as usize)
            .user(user)
            .str("ip", ip)
            .opt_int("port", port),
    )
}

/// `"Disconnected from " who-addr [" [preauth]"]`, as [`disconnected`] reads it.
fn read_disconnected(body: &str) -> Option<AuthEvent<'_>> {
    let (rest, preauth) = read_preauth_end(body.strip_prefix("Disconnected from ")?);
    let who = read_who_addr(rest)?;
    Some(who.event(SSH_DISCONNECT, 1).int("preauth", preauth as i64))
}

/// `"Connection " ("closed" / "reset") " by " who-addr [" [preauth]"]`, as
/// [`connection_closed`] reads it.
fn read_connection_closed(body: &str) -> Option<AuthEvent<'_>> {
    let rest = body.strip_prefix("Connection ")?;
    let (reason, rest) = match rest.strip_prefix("closed by ") {
        Some(rest) => ("connection closed", rest),
        None => ("connection reset", rest.strip_prefix("reset by ")?),
    };
    let (rest, preauth) = read_preauth_end(rest);
    let who = read_who_addr(rest)?;
    Some(who.event(SSH_DISCONNECT, 2).int("preauth", preauth as i64).str("reason", reason))
}

/// `["error: "] "Received disconnect from " addr [" port " port] ":" *WSP code ":" *WSP text`,
/// as [`received_disconnect`] reads it.
fn read_received_disconnect(body: &str) -> Option<AuthEvent<'_>> {
    let rest = body.strip_prefix("error: ").unwrap_or(body);
    let (rest, ip) = addr(rest.strip_prefix("Received disconnect from ")?).ok()?;
    let (port, rest) = match rest.strip_prefix(" port ") {
        Some(rest) => {
            let (port, rest) = read_port(rest)?;
            (Some(port), rest)
        }
        None => (None, rest),
    };
    let (code, rest) = read_int(rest.strip_prefix(':')?.trim_start_matches([' ', '\t']))?;
    let (reason, preauth) = strip_preauth(rest.strip_prefix(':')?.trim_start_matches([' ', '\t']));
    let ev = AuthEvent::sized(SSH_DISCONNECT, 4 + port.is_some() as usize)
        .str("ip", ip)
        .opt_int("port", port)
        .int("preauth", preauth as i64)
        .int("code", code)
        .str("reason", reason);
    Some(ev)
}

/// What [`read_who_addr`] read: [`who_addr`]'s pieces.
struct WhoAddr<'a> {
    /// The user and whether sshd called them invalid, after a `who` qualifier.
    user: Option<(&'a str, bool)>,
    ip: &'a str,
    port: Option<i64>,
}

impl<'a> WhoAddr<'a> {
    /// The event [`who_addr`] makes, with room for `more` fields after these.
    fn event(self, kind: &'static str, more: usize) -> AuthEvent<'a> {
        match self.user {
            Some((user, invalid)) => AuthEvent::sized(kind, 3 + more)
                .user(user)
                .str("ip", self.ip)
                .opt_int("port", self.port)
                .int("invalid_user", invalid as i64),
            None => AuthEvent::sized(kind, 1 + self.port.is_some() as usize + more)
                .str("ip", self.ip)
                .opt_int("port", self.port),
        }
    }
}

/// `who ADDR [" port " PORT]` making up all of `text` (see [`who_addr`]).
///
/// After a `who` qualifier the grammar takes the user up to the last space followed by an
/// address-port pair; when the text ends with `SP ADDR " port " DIGITS`, no later space can
/// start one (`port` and a run of digits are not addresses), so that split is the one.
fn read_who_addr(text: &str) -> Option<WhoAddr<'_>> {
    let qualified = if let Some(rest) = text.strip_prefix("authenticating user ") {
        Some((rest, false))
    } else if let Some(rest) = text.strip_prefix("invalid user ") {
        Some((rest, true))
    } else {
        text.strip_prefix("user ").map(|rest| (rest, false))
    };
    if let Some((rest, invalid)) = qualified {
        let space = rest.rfind(' ')?;
        let (port, after) = read_port(&rest[space + 1..])?;
        let head = rest[..space].strip_suffix(" port")?;
        let space = head.rfind(' ')?;
        let (after_ip, ip) = addr(&head[space + 1..]).ok()?;
        if !(after.is_empty() && after_ip.is_empty()) {
            return None;
        }
        return Some(WhoAddr { user: Some((&head[..space], invalid)), ip, port: Some(port) });
    }
    let (rest, ip) = addr(text).ok()?;
    let port = match rest.strip_prefix(" port ") {
        Some(rest) => match read_port(rest)? {
            (port, "") => Some(port),
            _ => return None,
        },
        None if rest.is_empty() => None,
        None => return None,
    };
    Some(WhoAddr { user: None, ip, port })
}

/// `user " from " addr` split at the last ` from ` of `text`, when an address follows it
/// (as [`user_from`] splits it; it then looks further left): the user, the address and the
/// rest after it.
fn read_user_from(text: &str) -> Option<(&str, &str, &str)> {
    // The last ` from ` is near the end, and what follows it (an address, ` port N`, `ssh2`,
    // `[preauth]`) has no `m`: look for the `m`s backwards.
    let b = text.as_bytes();
    let mut end = b.len();
    let at = loop {
        let m = memchr::memrchr(b'm', &b[..end])?;
        if m >= 4 && b.get(m - 4..m + 2) == Some(b" from ") {
            break m - 4;
        }
        end = m;
    };
    let (rest, ip) = addr(&text[at + 6..]).ok()?;
    matches!(rest.as_bytes().first(), None | Some(b' ' | b':')).then(|| (&text[..at], ip, rest))
}

/// Splits a final ` [preauth]` off `text` (whether it was there).
fn read_preauth_end(text: &str) -> (&str, bool) {
    match text.strip_suffix(" [preauth]") {
        Some(rest) => (rest, true),
        None => (text, false),
    }
}

/// What follows an sshd port: `[SP 1*ALNUM] [": " key-type SP fingerprint [SP text]]` to
/// the end, read as [`proto`] and [`key_suffix`] read it: the key, if any. `None` for any
/// other text (which the grammar may partly skip).
fn read_ssh_tail(text: &str) -> Option<Option<(&str, &str)>> {
    let rest = match text.strip_prefix(' ') {
        Some(proto) => {
            let n = proto.bytes().take_while(u8::is_ascii_alphanumeric).count();
            if n == 0 {
                return None;
            }
            &proto[n..]
        }
        None => text,
    };
    if rest.is_empty() {
        return Some(None);
    }
    let (key_type, rest) = read_word(rest.strip_prefix(": ")?)?;
    let fingerprint = &rest[1..];
    let fingerprint = &fingerprint[..fingerprint.find(' ').unwrap_or(fingerprint.len())];
    (!fingerprint.is_empty()).then_some(Some((key_type, fingerprint)))
}

/// A word (one or more bytes up to a space) and the rest from that space; `None` without one.
fn read_word(text: &str) -> Option<(&str, &str)> {
    // Words are short: a byte loop beats setting up a vectorised search.
    let end = text.bytes().position(|c| c == b' ')?;
    // `end` is an ASCII space: a char boundary.
    (end > 0).then(|| (&text[..end], &text[end..]))
}

/// `1*DIGIT` as a port (`u16`) and the rest; `None` when it is not one (or has more than five
/// digits: the grammar reads `000022` as 22, these readers leave it to the grammar).
fn read_port(text: &str) -> Option<(i64, &str)> {
    let n = text.bytes().take_while(u8::is_ascii_digit).count();
    if n > 5 {
        return None;
    }
    let port = crate::scan::number(&text.as_bytes()[..n])?;
    (port <= u32::from(u16::MAX)).then(|| (i64::from(port), &text[n..]))
}

/// `1*DIGIT` as [`int`] reads it (up to 18 digits: always an `i64`) and the rest.
fn read_int(text: &str) -> Option<(i64, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 18 {
        return None;
    }
    let n = text.as_bytes()[..digits].iter().fold(0i64, |n, c| n * 10 + i64::from(c - b'0'));
    Some((n, &text[digits..]))
}

/// `module "(" service ":" type "): " pam-msg` (see [`pam_line`]), for the messages with a
/// reader.
fn read_pam_line(body: &str) -> Option<AuthEvent<'_>> {
    let rest = body.strip_prefix("pam_")?;
    let module = rest.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').count();
    let rest = rest[module..].strip_prefix('(').filter(|_| module > 0)?;
    let service = rest.bytes().position(|c| c == b':' || c == b')')?;
    if service == 0 || rest.as_bytes()[service] != b':' {
        return None;
    }
    let after = &rest[service + 1..];
    let msg = after[after.find(')')?..].strip_prefix("): ")?;
    read_pam_msg(Cow::Borrowed(&rest[..service]), msg)
}

/// The PAM messages with a reader (see [`pam_msg`]): sessions opened and closed,
/// authentication failures. The service is the event's first field.
fn read_pam_msg<'a>(service: Cow<'a, str>, msg: &'a str) -> Option<AuthEvent<'a>> {
    if let Some(rest) = msg.strip_prefix("session opened for user ") {
        read_session_opened(service, rest)
    } else if let Some(rest) = msg.strip_prefix("session closed for user ") {
        read_session_closed(service, rest)
    } else {
        read_auth_failure(service, msg.strip_prefix("authentication failure; ")?)
    }
}

/// `user [uid] [" by " [user] [uid] [text]]` after `session opened for user `, as
/// [`session_opened`] reads it.
fn read_session_opened<'a>(service: Cow<'a, str>, text: &'a str) -> Option<AuthEvent<'a>> {
    let (user, rest) = read_pam_user(text)?;
    let (uid, rest) = read_opt_uid(rest)?;
    let (by_user, by_uid) = match rest.strip_prefix(" by ") {
        Some(by) => {
            let (by_user, rest) = match read_pam_user(by) {
                Some((by_user, rest)) => (Some(by_user), rest),
                None => (None, by),
            };
            (by_user, read_opt_uid(rest)?.0)
        }
        None => (None, None),
    };
    let n = 1 + uid.is_some() as usize + by_user.is_some() as usize + by_uid.is_some() as usize;
    let ev = AuthEvent::sized(SESSION_OPEN, n)
        .user(user)
        .push("service", FieldValue::Str(service))
        .opt_int("uid", uid)
        .opt_str("by_user", by_user)
        .opt_int("by_uid", by_uid);
    Some(ev)
}

/// `user [uid] [text]` after `session closed for user `, as [`session_closed`] reads it.
fn read_session_closed<'a>(service: Cow<'a, str>, text: &'a str) -> Option<AuthEvent<'a>> {
    let (user, rest) = read_pam_user(text)?;
    let (uid, _) = read_opt_uid(rest)?;
    let ev = AuthEvent::sized(SESSION_CLOSE, 1 + uid.is_some() as usize)
        .user(user)
        .push("service", FieldValue::Str(service))
        .opt_int("uid", uid);
    Some(ev)
}

/// The `key=value` pairs after `authentication failure; `, as [`pam_kv`] reads them (at
/// most eight: more are the grammar's).
fn read_auth_failure<'a>(service: Cow<'a, str>, text: &'a str) -> Option<AuthEvent<'a>> {
    const MAX: usize = 8;
    let mut pairs = [PamPair::Skip; MAX];
    let mut n = 0;
    let b = text.as_bytes();
    let mut at = 0;
    while at < b.len() {
        // Spaces and tabs between pairs; then `key "=" value` up to a space, the key not empty.
        if matches!(b[at], b' ' | b'\t') {
            at += 1;
            continue;
        }
        let (start, mut equals) = (at, None);
        while at < b.len() && b[at] != b' ' {
            if b[at] == b'=' && equals.is_none() {
                equals = Some(at);
            }
            at += 1;
        }
        let equals = equals.filter(|&e| e > start)?;
        // Cut at ASCII bytes (`=`, SP) or the end: char boundaries.
        *pairs.get_mut(n)? = pam_pair(&text[start..equals], &text[equals + 1..at]);
        n += 1;
    }
    let pairs = &pairs[..n];
    let len = 1 + pairs.iter().map(PamPair::len).sum::<usize>();
    let ev = AuthEvent::sized(AUTH_FAILURE, len).push("service", FieldValue::Str(service));
    Some(pairs.iter().fold(ev, |ev, pair| pair.apply(ev)))
}

/// A PAM user name (one or more bytes up to a space or `(`) and the rest, as [`pam_user`].
fn read_pam_user(text: &str) -> Option<(&str, &str)> {
    let end = text.bytes().position(|c| c == b' ' || c == b'(').unwrap_or(text.len());
    (end > 0).then(|| (&text[..end], &text[end..]))
}

/// `["(uid=" 1*DIGIT ")"]` as `opt(uid)` reads it: the uid, if any, and the rest. `None` when
/// `(uid=` is not followed by a number the readers take and `)`.
fn read_opt_uid(text: &str) -> Option<(Option<i64>, &str)> {
    let Some(rest) = text.strip_prefix("(uid=") else { return Some((None, text)) };
    let (uid, rest) = read_int(rest)?;
    Some((Some(uid), rest.strip_prefix(')')?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> FieldValue<'_> {
        FieldValue::Str(Cow::Borrowed(v))
    }

    #[test]
    fn program_names() {
        assert_eq!(program("sshd(pam_unix)"), ("sshd", Some("pam_unix")));
        assert_eq!(program("/sbin/anacron"), ("anacron", None));
        assert_eq!(program("-- root"), ("login", None));
        assert!(is_auth_ident("sshd-session"));
        assert!(is_auth_ident("gdm(pam_unix)"));
        assert!(!is_auth_ident("CRON"));
    }

    #[test]
    fn families_by_name_in_any_case() {
        // The table `family` matched against (case-insensitively) before it became a `match`.
        const TABLE: &[(&str, Family)] = &[
            ("sshd", Family::Sshd),
            ("sshd-session", Family::Sshd),
            ("sshd-auth", Family::Sshd),
            ("sudo", Family::Sudo),
            ("su", Family::Su),
            ("login", Family::Login),
            ("useradd", Family::Accounts),
            ("userdel", Family::Accounts),
            ("usermod", Family::Accounts),
            ("groupadd", Family::Accounts),
            ("groupdel", Family::Accounts),
            ("groupmod", Family::Accounts),
            ("newusers", Family::Accounts),
            ("passwd", Family::PamOnly),
            ("chpasswd", Family::PamOnly),
            ("chage", Family::PamOnly),
            ("gpasswd", Family::PamOnly),
            ("pam", Family::PamOnly),
            ("unix_chkpwd", Family::PamOnly),
            ("systemd-logind", Family::Logind),
            ("cron", Family::Cron),
            ("crond", Family::Cron),
        ];
        let by_table = |name: &str| {
            TABLE.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or(Family::Other, |(_, f)| *f)
        };
        let mut names: Vec<String> = TABLE.iter().map(|(n, _)| n.to_string()).collect();
        names.extend(TABLE.iter().map(|(n, _)| n.to_ascii_uppercase()));
        names.extend(
            ["CRON", "Sshd", "sshdx", "ssh", "", "é", "SYSTEMD-LOGIND-X", "systemd-logind-long-name"]
                .map(String::from),
        );
        for name in names {
            assert_eq!(family(&name), by_table(&name), "{name}");
        }
    }

    #[test]
    fn addresses() {
        assert_eq!(addr("10.0.0.1 x"), Ok((" x", "10.0.0.1")));
        assert_eq!(addr("fe80::1%eth0"), Ok(("", "fe80::1%eth0")));
        assert_eq!(addr("52.80.34.196: 11: Bye"), Ok((": 11: Bye", "52.80.34.196")));
        assert_eq!(addr("::1: 11: Bye"), Ok((": 11: Bye", "::1")));
        assert_eq!(addr("001:db8:a0b:12f0::1 port"), Ok((" port", "001:db8:a0b:12f0::1")));
        assert!(addr("1.2.3.4.5").is_err());
        assert!(addr("deadbeef").is_err());
        assert!(addr("port").is_err());
        assert!(addr("22").is_err());
    }

    #[test]
    fn user_names_with_punctuation() {
        for user in ["deploy-bot", "www_data", "first.last", "machine$", "from"] {
            let body = format!("Accepted publickey for {user} from 10.1.2.3 port 22 ssh2");
            let ev = classify("sshd", &body).unwrap();
            assert_eq!(ev.kind, SSH_LOGIN);
            assert_eq!(ev.user, Some(user));
        }
        let ev = classify("sshd", "Invalid user admin from from 1.2.3.4 port 22").unwrap();
        assert_eq!(ev.user, Some("admin from"));
        assert_eq!(ev.field("ip"), Some(&s("1.2.3.4")));
    }

    #[test]
    fn not_auth() {
        assert_eq!(classify("nginx", "Accepted password for x from 1.2.3.4 port 1 ssh2"), None);
        assert_eq!(classify("systemd-logind", "Watching system buttons on /dev/input/event0"), None);
        assert_eq!(classify("cron", "(CRON) INFO (pidfile fd = 3)"), None);
        assert_eq!(classify("sshd", "").map(|e| e.kind), Some(AUTH_MESSAGE));
    }

    // -----------------------------------------------------------------------------------
    // The byte-level readers against the grammars

    use proptest::prelude::*;

    /// The pieces of sshd bodies: the shapes the readers read, and the odd values that make a
    /// grammar take another path (or fail): user names with spaces and ` from `, IPv4/IPv6
    /// (zones, bad octets), ports out of range or zero-padded, spacing, truncations,
    /// non-ASCII, ` [preauth]`, `ssh2`, key suffixes.
    const SHAPES: &[&str] = &[
        "Failed {m} for {w}{u} from {ip}{port}{tail}",
        "Accepted {m} for {u} from {ip}{port}{tail}",
        "Invalid user {u} from {ip}{port}{tail}",
        "Connection closed by {w}{u} {ip}{port}{tail}",
        "Connection closed by {w}{ip}{port}{tail}",
        "Connection reset by {w}{u} {ip}{port}{tail}",
        "Disconnected from {w}{u} {ip}{port}{tail}",
        "Disconnected from {ip}{port}{tail}",
        "Received disconnect from {ip}{port}{tail}",
        "error: Received disconnect from {ip}{port}{tail}",
        "Did not receive identification string from {ip}{port}",
        "Disconnecting {w}{u} {ip}{port}: Too many{tail}",
        "{u} from {ip}{port}",
    ];
    const WHO: &[&str] = &["", "invalid user ", "authenticating user ", "user "];
    const USERS: &[&str] = &[
        "root",
        "admin",
        "deploy_bot",
        "first.last",
        "machine$",
        "x from y",
        "from",
        "a b",
        "0",
        "é",
        "",
        "user",
        "invalid user z",
        "port",
        "1.2.3.4",
    ];
    const IPS: &[&str] = &[
        "1.2.3.4",
        "173.234.31.186",
        "10.0.0.1",
        "::1",
        "fe80::1%eth0",
        "2001:db8::ff",
        "1.2.3.4.5",
        "1.2.3",
        "1234.1.1.1",
        "abc",
        "dead:beef::",
        "::1:",
        "é",
        "",
    ];
    const PORTS: &[&str] = &[
        "",
        " port 22",
        " port 51544",
        " port 65535",
        " port 65536",
        " port 000022",
        " port 0",
        " port x",
        " port ",
        " port 22x",
        "  port 22",
        " port 99999999999999999999",
    ];
    const TAILS: &[&str] = &[
        "",
        " ssh2",
        "  ssh2",
        " ssh2: RSA SHA256:3bD0n8yq",
        " ssh2: ED25519 SHA256:Jq3m extra",
        " ssh2: RSA",
        " ssh2: RSA ",
        " ssh2:",
        " ssh2 x",
        " [preauth]",
        "[preauth]",
        "  [preauth]",
        " \t[preauth]",
        ":11: Bye Bye [preauth]",
        ": 11: Bye Bye",
        ":11:",
        ":11:[preauth]",
        ":x: y",
        " é",
        "x",
        ":",
        " from 1.2.3.4",
    ];
    const METHODS: &[&str] = &["password", "publickey", "none", "keyboard-interactive/pam", ""];

    fn fill(shape: &str, m: &str, w: &str, u: &str, ip: &str, port: &str, tail: &str) -> String {
        shape
            .replace("{m}", m)
            .replace("{w}", w)
            .replace("{u}", u)
            .replace("{ip}", ip)
            .replace("{port}", port)
            .replace("{tail}", tail)
    }

    /// sshd bodies built from the pieces above.
    fn sshd_body() -> impl Strategy<Value = String> {
        let pick = |list: &'static [&'static str]| prop::sample::select(list);
        (pick(SHAPES), pick(METHODS), pick(WHO), pick(USERS), pick(IPS), pick(PORTS), pick(TAILS))
            .prop_map(|(shape, m, w, u, ip, port, tail)| fill(shape, m, w, u, ip, port, tail))
    }

    /// PAM lines: a `module(service:type): ` prefix (or none), then sessions and
    /// authentication failures with their pairs.
    fn pam_body() -> impl Strategy<Value = String> {
        let prefix = prop::sample::select(vec![
            "pam_unix(sshd:auth): ",
            "pam_unix(sshd:session): ",
            "pam_unix(cron:session): ",
            "pam_unix(sudo:session): ",
            "pam_sss(a b:auth): ",
            "pam_unix(su : x): ",
            "pam_(sshd:auth): ",
            "pam_unix(:auth): ",
            "pam_unix(sshd)auth): ",
            "pam_unix(sshd:auth):",
            "",
        ]);
        let user = prop::sample::select(vec!["root", "deploy_bot", "", "a(b", "é", "root(uid=0)"]);
        let uid = prop::sample::select(vec![
            "",
            "(uid=0)",
            "(uid=1002)",
            "(uid=)",
            "(uid=x)",
            "(uid=0",
            "(uid=99999999999999999999)",
        ]);
        let by = prop::sample::select(vec![
            "",
            " by ",
            " by (uid=0)",
            " by deploy(uid=1000)",
            " by deploy",
            " xyz",
            " by  (uid=0)",
        ]);
        let pair = prop::sample::select(vec![
            "logname=",
            " uid=0",
            " euid=0",
            " tty=ssh",
            " ruser=",
            " rhost=173.234.31.186",
            "  user=root",
            " rhost=::1",
            " rhost=host.example",
            " uid=x",
            " =x",
            " foo",
            "\tuser=a",
            " a=b=c",
            " ",
            "\t",
            " rhost=",
            " user=",
            " tty=é",
        ]);
        let msg = prop_oneof![
            (user.clone(), uid.clone(), by)
                .prop_map(|(u, id, by)| format!("session opened for user {u}{id}{by}")),
            (user, uid).prop_map(|(u, id)| format!("session closed for user {u}{id}")),
            prop::collection::vec(pair, 0..10)
                .prop_map(|p| format!("authentication failure; {}", p.concat())),
            Just("check pass; user unknown".to_string()),
            (
                prop::sample::select(vec!["New session ", "Removed session ", "Session ", "New session c"]),
                prop::sample::select(vec!["4180", "c1", "a-b_c", "", "é", "4180."]),
                prop::sample::select(vec![
                    " of user deploy_bot.",
                    " of user deploy_bot",
                    " of user .",
                    " of user ",
                    ".",
                    "",
                    " logged out.",
                    " logged out. Waiting for processes to exit.",
                    " logged out",
                    ". x",
                    " of user a b.",
                ]),
            )
                .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
            Just("password changed for root".to_string()),
        ];
        (prefix, msg).prop_map(|(prefix, msg)| format!("{prefix}{msg}"))
    }

    /// sudo lines: `user : ` and `key=value` segments, reasons, `COMMAND=`, odd separators.
    fn sudo_body() -> impl Strategy<Value = String> {
        let user = prop::sample::select(vec!["deploy_bot", "alice.oncall", "root", "é", ""]);
        let colon = prop::sample::select(vec![" : ", " : ", " :", ": "]);
        let segment = prop::sample::select(vec![
            "TTY=pts/1",
            "PWD=/home/x",
            "USER=root",
            "GROUP=adm",
            "ENV=A=B",
            "CHROOT=/",
            "CWD=/tmp",
            "TSID=000001",
            "FOO=bar",
            "TTY=",
            "COMMAND=/usr/bin/find / -name x ; echo",
            "COMMAND=/bin/bash -l",
            "COMMAND=",
            "3 incorrect password attempts",
            "user NOT in sudoers",
            "(command continued) -exec rm -rf {} ;",
            "nothing",
            "=",
            "TTY",
            "",
            "x COMMAND=y",
        ]);
        let separator = prop::sample::select(vec![" ; ", " ; ", " ; ", ";", " ;", "; ", " ;  "]);
        (user, colon, prop::collection::vec((segment, separator), 0..12)).prop_map(
            |(user, colon, segments)| {
                let mut body = format!("{user}{colon}");
                for (segment, separator) in segments {
                    body.push_str(segment);
                    body.push_str(separator);
                }
                body
            },
        )
    }

    fn ident() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "sshd",
            "sshd-session",
            "/usr/sbin/sshd",
            "CRON",
            "sudo",
            "su",
            "login",
            "systemd-logind",
            "passwd",
            "nginx",
            "sshd(pam_unix)",
            "gdm(pam_unix)",
            "useradd",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]

        #[test]
        fn readers_are_the_grammar(
            ident in ident(),
            body in prop_oneof![sshd_body(), pam_body(), sudo_body(), "\\PC{0,40}"],
            cut in 0usize..200,
        ) {
            prop_assert_eq!(classify(ident, &body), classify_grammar(ident, &body), "{:?} {:?}", ident, body);
            // Truncated anywhere (on a char boundary).
            let cut = (0..=cut.min(body.len())).rev().find(|&c| body.is_char_boundary(c)).unwrap_or(0);
            let body = &body[..cut];
            prop_assert_eq!(classify(ident, body), classify_grammar(ident, body), "{:?} {:?}", ident, body);
        }
    }

    /// Every combination of a smaller set of the pieces (the proptest above samples them all).
    #[test]
    fn readers_are_the_grammar_on_a_grid() {
        let users = ["root", "x from y", "a b", "", "port"];
        let ips = ["1.2.3.4", "fe80::1%eth0", "::1:", "1.2.3", "abc"];
        let ports = ["", " port 22", " port 65536", " port 000022", " port 22x", " port "];
        let tails = [
            "",
            " ssh2",
            " ssh2: RSA SHA256:x",
            " ssh2: RSA",
            " [preauth]",
            "[preauth]",
            ":11: Bye",
            "x",
            " x",
        ];
        for shape in SHAPES {
            for w in WHO {
                for u in users {
                    for ip in ips {
                        for port in ports {
                            for tail in tails {
                                let body = fill(shape, "password", w, u, ip, port, tail);
                                assert_eq!(
                                    classify("sshd", &body),
                                    classify_grammar("sshd", &body),
                                    "{body:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// The readers do answer for the lines they are there for (else the property above
    /// would hold trivially): real bodies from the corpus and the sample bundles.
    #[test]
    fn readers_answer_for_common_bodies() {
        let common = [
            ("sshd", "Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2"),
            ("sshd", "Failed password for root from 61.177.172.140 port 50127 ssh2"),
            ("sshd", "Accepted publickey for deploy_bot from 192.0.2.10 port 41822 ssh2: RSA SHA256:3bD0n8yq"),
            ("sshd", "Invalid user webmaster from 173.234.31.186"),
            ("sshd", "Invalid user admin from 203.0.113.77 port 51544"),
            ("sshd", "Connection closed by invalid user admin 203.0.113.77 port 51544 [preauth]"),
            ("sshd", "Connection closed by 212.47.254.145 [preauth]"),
            ("sshd", "Disconnected from user deploy_bot 192.0.2.10 port 41822"),
            ("sshd", "Received disconnect from 139.59.209.18: 11: Bye Bye [preauth]"),
            ("sshd", "Received disconnect from 198.51.100.23 port 50122:11: disconnected by user"),
            ("sshd", "error: Received disconnect from 103.99.0.122: 14: No more user authentication methods available. [preauth]"),
            ("sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186  user=root"),
            ("sshd", "pam_unix(sshd:session): session opened for user deploy_bot(uid=1002) by (uid=0)"),
            ("CRON", "pam_unix(cron:session): session closed for user root"),
            ("sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by deploy_bot(uid=1002)"),
            ("sshd(pam_unix)", "session opened for user test by (uid=508)"),
            ("systemd-logind", "New session 4180 of user deploy_bot."),
            ("sudo", "deploy_bot : TTY=pts/1 ; PWD=/home/deploy_bot ; USER=root ; COMMAND=/usr/bin/find / -name x"),
            ("systemd-logind", "Removed session 4180."),
            ("systemd-logind", "Session 4187 logged out. Waiting for processes to exit."),
        ];
        for (ident, body) in common {
            let (name, module) = program(ident);
            let read = read_common(name, module, family(name), body);
            assert!(read.is_some(), "{ident}: {body}");
            assert_eq!(read, classify_grammar(ident, body), "{ident}: {body}");
        }
    }
}
