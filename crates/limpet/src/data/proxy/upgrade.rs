//! Splicing an upgraded client connection to the upgraded server connection.

use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;

/// Copies bytes both ways until either side closes.
pub async fn splice(client: OnUpgrade, server: OnUpgrade) {
    let (client, server) = match tokio::try_join!(client, server) {
        Ok(pair) => pair,
        Err(error) => {
            tracing::debug!(%error, "upgrade failed");
            return;
        }
    };
    let mut client = TokioIo::new(client);
    let mut server = TokioIo::new(server);
    if let Err(error) = tokio::io::copy_bidirectional(&mut client, &mut server).await {
        tracing::debug!(%error, "upgraded connection ended with an error");
    }
}
