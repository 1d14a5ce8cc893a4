//! The outcome of a sticky decision, recorded per request for the access log and metrics.

/// What the affinity layer decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StickyOutcome {
    /// The service is not sticky.
    #[default]
    NotSticky,
    /// A valid pin to an available server was honoured.
    Hit,
    /// No affinity cookie or header: a server was picked and pinned.
    New,
    /// An affinity value that names no known server: treated as none, re-picked.
    Unknown,
    /// A Traefik compatibility value (raw URL, FNV): honoured and rewritten.
    CompatRewrite,
    /// The pinned server is down: moved to another server.
    RepinnedDown,
    /// The pinned server was removed from the configuration: moved.
    RepinnedRemoved,
    /// The pinned server is drained: moved.
    RepinnedDrained,
    /// A signed token past its idle timeout: re-pinned with a new token.
    ExpiredIdle,
    /// A signed token past its absolute lifetime: re-pinned with a new token.
    ExpiredAbsolute,
    /// A signed token that fails verification: treated as none.
    BadSignature,
    /// `onFailure: strict` and the pinned server is unavailable: answered 503.
    StrictReject,
    /// The pinned server left the configuration less than `restartGrace` ago: answered 503,
    /// the session kept for its return.
    RestartWait,
}

impl StickyOutcome {
    /// Every outcome, for metrics and the API.
    pub const ALL: [StickyOutcome; 13] = [
        StickyOutcome::NotSticky,
        StickyOutcome::Hit,
        StickyOutcome::New,
        StickyOutcome::Unknown,
        StickyOutcome::CompatRewrite,
        StickyOutcome::RepinnedDown,
        StickyOutcome::RepinnedRemoved,
        StickyOutcome::RepinnedDrained,
        StickyOutcome::ExpiredIdle,
        StickyOutcome::ExpiredAbsolute,
        StickyOutcome::BadSignature,
        StickyOutcome::StrictReject,
        StickyOutcome::RestartWait,
    ];

    /// The label used in logs, metrics and the API (`hit`, `repinned_down`…); `-` when not sticky.
    pub fn as_str(self) -> &'static str {
        match self {
            StickyOutcome::NotSticky => "-",
            StickyOutcome::Hit => "hit",
            StickyOutcome::New => "new",
            StickyOutcome::Unknown => "unknown",
            StickyOutcome::CompatRewrite => "compat_rewrite",
            StickyOutcome::RepinnedDown => "repinned_down",
            StickyOutcome::RepinnedRemoved => "repinned_removed",
            StickyOutcome::RepinnedDrained => "repinned_drained",
            StickyOutcome::ExpiredIdle => "expired_idle",
            StickyOutcome::ExpiredAbsolute => "expired_absolute",
            StickyOutcome::BadSignature => "bad_signature",
            StickyOutcome::StrictReject => "strict_reject",
            StickyOutcome::RestartWait => "restart_wait",
        }
    }
}
