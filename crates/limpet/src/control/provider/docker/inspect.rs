//! The Engine API's container inspection → limpet's [`Container`], the description the
//! shared decoder (`limpet_config::labels::docker`) turns into configuration. Fields read,
//! as Traefik reads them: `Id`, `Name` (leading `/`), `State.Status`,
//! `State.Health.Status`, `Config.Labels`, `HostConfig.NetworkMode`,
//! `NetworkSettings.Ports` (keys `"8080/tcp"`, host bindings) and
//! `NetworkSettings.Networks.<name>.IPAddress`. Missing fields read as empty.

use bollard::models::{ContainerInspectResponse, PortMap};
use limpet_config::labels::docker::{Container, ExposedPort, PortBinding};

/// One inspected container.
pub fn container(inspected: ContainerInspectResponse) -> Container {
    let state = inspected.state.unwrap_or_default();
    let settings = inspected.network_settings.unwrap_or_default();
    let networks = settings
        .networks
        .unwrap_or_default()
        .into_iter()
        .map(|(name, endpoint)| (name, endpoint.ip_address.unwrap_or_default()))
        .collect();
    Container {
        id: inspected.id.unwrap_or_default(),
        name: inspected
            .name
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned(),
        labels: inspected
            .config
            .and_then(|c| c.labels)
            .unwrap_or_default()
            .into_iter()
            .collect(),
        status: state.status.map(|s| s.to_string()).unwrap_or_default(),
        health: state
            .health
            .and_then(|h| h.status)
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty() && s != "none"),
        networks,
        network_mode: inspected
            .host_config
            .and_then(|h| h.network_mode)
            .unwrap_or_default(),
        ports: ports(settings.ports.unwrap_or_default()),
    }
}

/// `"8080/tcp": [{"HostIp": "", "HostPort": "32768"}]` → exposed ports, in port order.
fn ports(map: PortMap) -> Vec<ExposedPort> {
    let mut ports: Vec<ExposedPort> = map
        .into_iter()
        .filter_map(|(key, bindings)| {
            let (port, protocol) = key.split_once('/').unwrap_or((key.as_str(), "tcp"));
            Some(ExposedPort {
                port: port.parse().ok()?,
                protocol: protocol.to_owned(),
                bindings: bindings
                    .unwrap_or_default()
                    .into_iter()
                    .map(|b| PortBinding {
                        host_ip: b.host_ip.unwrap_or_default(),
                        host_port: b.host_port.unwrap_or_default(),
                    })
                    .collect(),
            })
        })
        .collect();
    ports.sort_by_key(|p| p.port);
    ports
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_api_inspect_json() {
        let json = r#"{
            "Id": "4fa6e0f0c678", "Name": "/webstack-my-app-1",
            "State": {"Status": "running", "Running": true, "Health": {"Status": "healthy", "FailingStreak": 0, "Log": []}},
            "Config": {"Labels": {"com.docker.compose.service": "my-app"}},
            "HostConfig": {"NetworkMode": "webstack_default"},
            "NetworkSettings": {
                "Ports": {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "32768"}], "9090/tcp": null},
                "Networks": {"webstack_default": {"IPAddress": "172.18.0.3"}}
            }
        }"#;
        let inspected: ContainerInspectResponse = serde_json::from_str(json).unwrap_or_default();
        let c = container(inspected);
        assert_eq!(c.name, "webstack-my-app-1");
        assert_eq!(c.status, "running");
        assert_eq!(c.health.as_deref(), Some("healthy"));
        assert_eq!(c.networks["webstack_default"], "172.18.0.3");
        assert_eq!(c.ports.len(), 2);
        assert_eq!(c.ports[0].port, 8080);
        assert_eq!(c.ports[0].bindings[0].host_port, "32768");
    }
}
