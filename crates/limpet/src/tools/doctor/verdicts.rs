//! One verdict per runbook root cause, each with the evidence that decided it.

use super::client::Exchange;
use super::cookie::{domain_matches, path_matches, SetCookie};
use super::{Finding, Verdict};

/// Affinity cookies of upstream load balancers (AWS ALB, F5 BIG-IP, HAProxy, nginx ingress…).
const FOREIGN: &[&str] = &["AWSALB", "AWSALBCORS", "SERVERID", "INGRESSCOOKIE", "route"];

/// What the doctor saw.
pub(super) struct Observed<'a> {
    /// Every hop of the first visit.
    pub first: &'a [Exchange],
    /// The final exchange of each later visit (sent with the jar).
    pub later: &'a [Exchange],
    /// Cookie names the `--compare` URL (limpet directly) sets.
    pub direct_names: Option<Vec<String>>,
    /// The affinity cookie, if one was set.
    pub cookie: Option<&'a SetCookie>,
    pub host: &'a str,
    pub path: &'a str,
}

pub(super) fn is_foreign(name: &str) -> bool {
    FOREIGN.iter().any(|f| f.eq_ignore_ascii_case(name)) || name.starts_with("BIGipServer")
}

fn finding(
    id: &'static str,
    cause: &'static str,
    verdict: Verdict,
    evidence: Vec<String>,
) -> Finding {
    Finding {
        id,
        cause,
        verdict,
        evidence,
    }
}

pub(super) fn cookie_set(seen: &Observed<'_>) -> Finding {
    let (verdict, evidence) = match seen.cookie {
        Some(cookie) => (Verdict::Pass, vec![format!("Set-Cookie: {}", cookie.raw)]),
        None => {
            let names: Vec<String> = seen
                .first
                .iter()
                .flat_map(|e| &e.set_cookies)
                .map(|c| c.name.clone())
                .collect();
            let detail = if names.is_empty() {
                "no Set-Cookie header in the response".to_owned()
            } else {
                format!("only other cookies were set: {}", names.join(", "))
            };
            (
                Verdict::Fail,
                vec![
                    detail,
                    "sticky is not configured on the service this URL reaches".to_owned(),
                ],
            )
        }
    };
    finding("cookie-set", "1: no affinity cookie", verdict, evidence)
}

pub(super) fn cookie_accepted(seen: &Observed<'_>, scheme: &str) -> Finding {
    let id = "cookie-accepted";
    let cause = "4/6: cookie the browser rejects";
    let Some(cookie) = seen.cookie else {
        return finding(
            id,
            cause,
            Verdict::Skip,
            vec!["no affinity cookie".to_owned()],
        );
    };
    match cookie.rejection(scheme, seen.host) {
        Some(reason) => finding(
            id,
            cause,
            Verdict::Fail,
            vec![format!("{reason}: {}", cookie.raw)],
        ),
        None => finding(
            id,
            cause,
            Verdict::Pass,
            vec![format!("a browser keeps {}", cookie.name)],
        ),
    }
}

/// Backend identity per request: the served-by header, else the body hash.
fn identity(exchange: &Exchange) -> (String, bool) {
    match &exchange.served_by {
        Some(server) => (server.clone(), true),
        None => (format!("body {}", exchange.body_hash), false),
    }
}

pub(super) fn affinity(seen: &Observed<'_>, served_by: &str) -> Finding {
    let id = "affinity";
    let cause = "3: backend changes while the cookie is sent";
    let Some(first) = seen.first.last() else {
        return finding(id, cause, Verdict::Skip, vec!["no response".to_owned()]);
    };
    let all: Vec<&Exchange> = std::iter::once(first).chain(seen.later).collect();
    let by_header = identity(first).1;
    // Without a served-by header the body is the identity; the first body differs anyway
    // (it was requested without the cookie), so compare the requests that carried it.
    let compared: &[&Exchange] = if by_header {
        &all
    } else {
        &all[1.min(all.len())..]
    };
    let evidence: Vec<String> = all
        .iter()
        .enumerate()
        .map(|(i, e)| describe(i + 1, e, seen.cookie))
        .collect();
    let identities: Vec<String> = compared.iter().map(|e| identity(e).0).collect();
    let stable = identities.windows(2).all(|w| w[0] == w[1]);
    let repinned = seen.later.iter().any(|e| resets(e, seen.cookie));
    let mut evidence = evidence;
    if !by_header {
        evidence.push(format!(
            "no {served_by} header: the backend is identified by a hash of the body"
        ));
    }
    let verdict = match (stable && !repinned, seen.later.is_empty()) {
        (_, true) => Verdict::Skip,
        (true, false) => Verdict::Pass,
        (false, false) => Verdict::Fail,
    };
    finding(id, cause, verdict, evidence)
}

fn describe(index: usize, exchange: &Exchange, cookie: Option<&SetCookie>) -> String {
    let sent = match &exchange.sent_cookie {
        Some(header) => format!("sent Cookie: {header}"),
        None => "no cookie sent".to_owned(),
    };
    let reset = if resets(exchange, cookie) {
        ", cookie set again"
    } else {
        ""
    };
    format!("request {index}: {} ({sent}{reset})", identity(exchange).0)
}

/// Whether a response sets the affinity cookie to another value than the one we had.
fn resets(exchange: &Exchange, cookie: Option<&SetCookie>) -> bool {
    let Some(cookie) = cookie else { return false };
    exchange.sent_cookie.is_some()
        && exchange
            .set_cookies
            .iter()
            .any(|c| c.name == cookie.name && c.value != cookie.value)
}

pub(super) fn foreign_cookies(seen: &Observed<'_>) -> Finding {
    let id = "foreign-cookies";
    let cause = "5: another load balancer's cookie replaces or shadows ours";
    let foreign: Vec<String> = seen
        .first
        .iter()
        .flat_map(|e| &e.set_cookies)
        .filter(|c| is_foreign(&c.name))
        .map(|c| c.raw.clone())
        .collect();
    let seen_names: Vec<&str> = seen
        .first
        .iter()
        .flat_map(|e| &e.set_cookies)
        .map(|c| c.name.as_str())
        .collect();
    let missing: Vec<String> = seen
        .direct_names
        .iter()
        .flatten()
        .filter(|n| !seen_names.contains(&n.as_str()))
        .cloned()
        .collect();
    let mut evidence: Vec<String> = foreign
        .iter()
        .map(|raw| format!("Set-Cookie: {raw}"))
        .collect();
    evidence.extend(
        missing
            .iter()
            .map(|n| format!("{n} is set by limpet directly but not through this URL")),
    );
    let verdict = if !missing.is_empty() || (!foreign.is_empty() && seen.cookie.is_none()) {
        Verdict::Fail
    } else if !foreign.is_empty() {
        evidence.push("two layers keep their own affinity: keep it in exactly one".to_owned());
        Verdict::Warn
    } else {
        evidence.push("no upstream load-balancer cookie".to_owned());
        Verdict::Pass
    };
    finding(id, cause, verdict, evidence)
}

pub(super) fn redirects(seen: &Observed<'_>) -> Finding {
    let id = "redirect";
    let cause = "6: redirect to http:// drops a Secure cookie";
    let secure_set = seen
        .first
        .iter()
        .flat_map(|e| &e.set_cookies)
        .any(|c| c.secure);
    let to_http: Vec<String> = seen
        .first
        .iter()
        .filter_map(|e| {
            e.location
                .as_ref()
                .filter(|l| l.starts_with("http://"))
                .map(|l| format!("{} {} → {l}", e.status, e.url))
        })
        .collect();
    let (verdict, mut evidence) = match (to_http.is_empty(), secure_set) {
        (true, _) => (Verdict::Pass, vec!["no redirect to http://".to_owned()]),
        (false, true) => (Verdict::Fail, to_http),
        (false, false) => (Verdict::Pass, to_http),
    };
    if verdict == Verdict::Fail {
        evidence.push("the browser does not send the Secure cookie on the http:// request: a new session starts".to_owned());
    }
    finding(id, cause, verdict, evidence)
}

pub(super) fn scope(seen: &Observed<'_>) -> Finding {
    let id = "scope";
    let cause = "3/7: Path or Domain do not cover the URL";
    let Some(cookie) = seen.cookie else {
        return finding(
            id,
            cause,
            Verdict::Skip,
            vec!["no affinity cookie".to_owned()],
        );
    };
    let mut problems = Vec::new();
    match cookie.path.as_deref() {
        Some(path) if path.starts_with('/') && !path_matches(seen.path, path) => {
            problems.push(format!("Path={path} does not cover {}", seen.path))
        }
        Some(path) if path.starts_with('/') => {}
        _ if seen.path == "/" => {}
        _ => problems.push(
            "no Path attribute: the browser scopes it to the first request's directory".to_owned(),
        ),
    }
    if let Some(domain) = &cookie.domain {
        if !domain_matches(seen.host, domain) {
            problems.push(format!("Domain={domain} does not cover {}", seen.host));
        }
    }
    if problems.is_empty() {
        finding(
            id,
            cause,
            Verdict::Pass,
            vec![format!("{} covers {}{}", cookie.name, seen.host, seen.path)],
        )
    } else {
        finding(id, cause, Verdict::Fail, problems)
    }
}
