//! Bodies of authentication messages: sshd, pam_unix, sudo, su, login, systemd-logind, cron,
//! useradd/groupadd.
//!
//! [`classify`] is a pure function of a syslog identifier (the tag, `SYSLOG_IDENTIFIER` in the
//! journal) and a message body; the syslog parser and the journal parser share it. It never
//! fails: a body from an authentication program that matches no grammar below is still an
//! `auth-message`; a body from any other program is `None` unless it is a PAM session or
//! authentication-failure line.
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
    let ident = ident.trim();
    if ident.starts_with("--") {
        // login(1) rewrites its argv to "-- user" for the process title; glibc's syslog then
        // logs that as the identifier.
        return ("login", None);
    }
    // After the last `/` (an ASCII byte: a char boundary).
    let base = memchr::memrchr(b'/', ident.as_bytes()).map_or(ident, |i| &ident[i + 1..]);
    if let Some(inner) = base.strip_suffix(')') {
        if let Some(open) = inner.find('(') {
            return (&inner[..open], Some(&inner[open + 1..]));
        }
    }
    (base, None)
}

fn family(name: &str) -> Family {
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
    TABLE.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, f)| *f).unwrap_or(Family::Other)
}

/// Whether every message from `ident` is an authentication event (sshd, sudo, su, login,
/// useradd, …, or an old-style `program(pam_unix)` identifier). systemd-logind and cron are
/// not: only their session and command lines are.
pub fn is_auth_ident(ident: &str) -> bool {
    let (name, module) = program(ident);
    module.is_some_and(|m| m.starts_with("pam")) || family(name).is_auth()
}

/// Classifies a message `body` written by the program `ident`.
///
/// Returns `None` when the body is not an authentication event (a program outside the auth
/// families writing anything but a PAM session/failure line, logind or cron lines other
/// than sessions and commands). An auth program's unrecognised body is [`AUTH_MESSAGE`].
/// A [`SUDO_CONTINUED`] event carries the continued text in its `command` field; the caller
/// decides whether it joins the previous sudo record.
pub fn classify<'a>(ident: &str, body: &'a str) -> Option<AuthEvent<'a>> {
    let body = body.trim_matches(|c: char| c == ' ' || c == '\t');
    let (name, module) = program(ident);
    let fam = family(name);
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
    let ev = AuthEvent::new(SSH_LOGIN)
        .user(user)
        .str("method", method)
        .str("ip", ip)
        .int("port", port)
        .opt_str("key_type", key.map(|k| k.0))
        .opt_str("fingerprint", key.map(|k| k.1));
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
        .opt_str("key_type", key.map(|k| k.0))
        .opt_str("fingerprint", key.map(|k| k.1));
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
        ev = match key {
            "logname" => ev.opt_str("logname", Some(value)),
            "uid" | "euid" => match value.parse::<i64>() {
                Ok(n) => ev.int(if key == "uid" { "uid" } else { "euid" }, n),
                Err(_) => ev,
            },
            "tty" => ev.opt_str("tty", Some(value)),
            "ruser" => ev.opt_str("ruser", Some(value)),
            "rhost" => {
                let ev = ev.opt_str("rhost", Some(value));
                match addr(value) {
                    Ok(("", ip)) => ev.str("ip", ip),
                    _ => ev,
                }
            }
            "user" => ev.user(value),
            _ => ev,
        };
        input = i;
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
}
