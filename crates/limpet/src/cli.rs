//! Command line: `limpet [--configFile=F] [--traefik.style.flags]`, `whoami`, `demo`, `version`.
//!
//! The proxy itself takes Traefik's static-configuration flags (arbitrary dotted keys), so
//! subcommands are recognised by their first word and only they go through clap.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use limpet::control::app::Stopped;
use limpet_config::static_config::{self, StaticConfig};

const USAGE: &str = "limpet — a Traefik-compatible edge router with sticky sessions that never fail silently

Usage:
  limpet [--configFile=FILE] [--KEY=VALUE ...]   run the proxy (Traefik's static configuration
                                                 file and flags, e.g. --entryPoints.web.address=:80
                                                 --providers.file.filename=dynamic.yml --log.level=INFO)
  limpet demo [--address 127.0.0.1:8080] [--dashboard 127.0.0.1:8081|off]
                                                 two whoami backends behind a sticky service,
                                                 with the dashboard showing where sessions go
  limpet whoami [--port N] [--name NAME]         a tiny backend that says who answered
  limpet check [--configFile F] [--file DYNAMIC] [--compose docker-compose.yml] [--format text|json]
                                                 lint the configuration without binding a port
                                                 (exit 0 clean, 1 warnings, 2 errors)
  limpet doctor URL [--host H] [-n N] [--served-by HEADER] [--compare URL] [--cacert PEM] [--format text|json]
                                                 test sticky sessions end to end, one verdict
                                                 per root cause (exit 0 pass, 1 warn, 2 fail)
  limpet version                                 print the version

Without --configFile, limpet looks for limpet.{yml,yaml,toml} then traefik.{yml,yaml,toml}
in the current directory, then in /etc/limpet/ and /etc/traefik/.
";

/// `limpet whoami`
#[derive(Parser, Debug)]
#[command(
    name = "limpet whoami",
    about = "A tiny backend that prints who answered and the request it got"
)]
struct WhoamiArgs {
    /// Port to listen on (all interfaces).
    #[arg(long, default_value_t = 80)]
    port: u16,
    /// Name printed in the body and in the X-Served-By header.
    #[arg(long, default_value = "whoami")]
    name: String,
}

/// `limpet demo`
#[derive(Parser, Debug)]
#[command(
    name = "limpet demo",
    about = "Sticky sessions across two whoami backends, no setup needed"
)]
struct DemoArgs {
    /// Address of the proxy.
    #[arg(long, default_value = "127.0.0.1:8080")]
    address: SocketAddr,
    /// Address of the API and dashboard (`--dashboard off` to leave them out).
    #[arg(long, default_value = "127.0.0.1:8081")]
    dashboard: String,
}

/// `limpet check`
#[derive(Parser, Debug)]
#[command(
    name = "limpet check",
    about = "Lint the configuration without binding any port"
)]
struct CheckArgs {
    /// Static configuration file (default: looked up like the proxy does).
    #[arg(long = "configFile")]
    config_file: Option<PathBuf>,
    /// A dynamic configuration file (as providers.file.filename).
    #[arg(long)]
    file: Option<PathBuf>,
    /// A Compose file: its services' labels are checked as the docker provider.
    #[arg(long)]
    compose: Option<PathBuf>,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    format: String,
}

/// `limpet doctor`
#[derive(Parser, Debug)]
#[command(
    name = "limpet doctor",
    about = "Test sticky sessions end to end, like a browser"
)]
struct DoctorArgs {
    /// The URL to test (http:// or https://).
    url: String,
    /// Host header to send (and to scope cookies to).
    #[arg(long)]
    host: Option<String>,
    /// Number of requests, sent with a cookie jar.
    #[arg(short = 'n', default_value_t = 5)]
    requests: usize,
    /// Response header naming the backend (falls back to a hash of the body).
    #[arg(long = "served-by", default_value = "X-Served-By")]
    served_by: String,
    /// The same path reached directly on limpet (bypassing an upstream load balancer).
    #[arg(long)]
    compare: Option<String>,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    format: String,
    /// PEM file of extra certificate authorities to trust for https:// (like curl's --cacert).
    #[arg(long)]
    cacert: Option<PathBuf>,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("check") {
        return check(CheckArgs::parse_from(&args));
    }
    if args.first().map(String::as_str) == Some("doctor") {
        return doctor(DoctorArgs::parse_from(&args));
    }
    let result = match args.first().map(String::as_str) {
        Some("whoami") => whoami(WhoamiArgs::parse_from(&args)),
        Some("demo") => demo(DemoArgs::parse_from(&args)),
        Some("version" | "--version" | "-V") => {
            println!("limpet {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("limpet: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Runs the proxy from the static configuration.
fn run(args: &[String]) -> Result<()> {
    let (config, warnings) = load_static_config(args)?;
    init_logging(&config, None)?;
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    let runtime = runtime()?;
    let served: Result<Stopped> = runtime.block_on(async {
        let app = limpet::control::app::start(&config, Vec::new()).await?;
        for (name, addr) in app.addresses() {
            tracing::info!(entryPoint = %name, address = %addr, "listening");
        }
        Ok(app.run_until_signal().await)
    });
    // A reload still building on a blocking thread must not hold the exit.
    runtime.shutdown_background();
    match served? {
        Stopped::Gracefully => Ok(()),
        Stopped::Forced => Err(anyhow::anyhow!(
            "stopped by a second signal; open requests were cut"
        )),
    }
}

/// The static configuration: the file (given or found) with flags applied over it.
fn load_static_config(args: &[String]) -> Result<(StaticConfig, Vec<String>)> {
    let (config_file, flags) = static_config::from_flags(args)?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let file = config_file.or_else(|| static_config::find_config_file(&cwd));
    Ok(static_config::load(file.as_deref(), &flags)?)
}

fn init_logging(config: &StaticConfig, level_override: Option<&str>) -> Result<()> {
    let settings = limpet::ops::logging::LogSettings {
        level: level_override
            .map(str::to_owned)
            .or_else(|| non_empty(&config.log.level)),
        format: non_empty(&config.log.format),
        file_path: non_empty(&config.log.file_path),
        no_color: config.log.no_color,
    };
    limpet::ops::logging::init(&settings).map_err(anyhow::Error::from)
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn whoami(args: WhoamiArgs) -> Result<()> {
    runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(("0.0.0.0", args.port))
            .await
            .with_context(|| format!("cannot listen on port {}", args.port))?;
        println!(
            "whoami {} listening on {}",
            args.name,
            listener.local_addr()?
        );
        limpet::tools::whoami::serve(listener, args.name).await?;
        Ok(())
    })
}

fn demo(args: DemoArgs) -> Result<()> {
    let logging = limpet::ops::logging::LogSettings {
        level: Some("INFO".into()),
        ..Default::default()
    };
    limpet::ops::logging::init(&logging)?;
    let dashboard = match args.dashboard.as_str() {
        "off" => None,
        address => Some(address.parse::<SocketAddr>().with_context(|| {
            format!("--dashboard {address:?}: expected HOST:PORT (e.g. 127.0.0.1:8081) or off")
        })?),
    };
    runtime()?.block_on(async {
        let (app, backends) = limpet::tools::demo::start(args.address, dashboard).await?;
        let proxy = app.address("web").unwrap_or(args.address);
        let dashboard = app.address("traefik");
        print!(
            "{}",
            limpet::tools::demo::instructions(proxy, &backends, dashboard)
        );
        let _ = app.run_until_signal().await;
        Ok(())
    })
}

/// `limpet check`: exit 0 clean, 1 warnings, 2 errors (also when nothing could be read).
fn check(args: CheckArgs) -> ExitCode {
    let format = match args.format.as_str() {
        "json" => limpet::tools::check::Format::Json,
        _ => limpet::tools::check::Format::Text,
    };
    let options = limpet::tools::check::CheckOptions {
        config_file: args.config_file,
        dynamic_file: args.file,
        compose: args.compose,
        cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    match limpet::tools::check::check(&options) {
        Ok(report) => {
            print!("{}", limpet::tools::check::render(&report, format));
            ExitCode::from(report.exit_code())
        }
        Err(error) => {
            eprintln!("limpet check: {error}");
            ExitCode::from(2)
        }
    }
}

/// `limpet doctor`: exit 0 all pass, 1 warnings, 2 failures (also when it cannot run).
fn doctor(args: DoctorArgs) -> ExitCode {
    let options = limpet::tools::doctor::DoctorOptions {
        url: args.url,
        host: args.host,
        requests: args.requests,
        served_by: args.served_by,
        compare: args.compare,
        ca_file: args.cacert,
    };
    let report = runtime().map_err(|e| e.to_string()).and_then(|rt| {
        rt.block_on(limpet::tools::doctor::diagnose(&options))
            .map_err(|e| e.to_string())
    });
    match report {
        Ok(report) => {
            let text = if args.format == "json" {
                limpet::tools::doctor::render_json(&report)
            } else {
                let colour = std::io::IsTerminal::is_terminal(&std::io::stdout());
                limpet::tools::doctor::render_text(&report, colour)
            };
            print!("{text}");
            ExitCode::from(report.exit_code())
        }
        Err(error) => {
            eprintln!("limpet doctor: {error}");
            ExitCode::from(2)
        }
    }
}
