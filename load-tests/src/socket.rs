//! Opens a desk socket the way every load-test binary that holds many of them must (each
//! includes this file with `#[path]`).

/// A desk socket from the driver's side.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a desk socket. tungstenite's default read buffer is 128 KiB and each read first
/// zero-fills all of it (a `memset` of 128 KiB per read, even one that finds nothing): with
/// 5,000 sockets taking ~25,000 frames a second that was the driver's biggest cost (a profile of a
/// 5,000 / 200 run: `memset` a sixth of all samples while the slow offers were read) and, on the
/// cores the server shares, a cost calldesk's run paid and the relay's (one frame per call) did
/// not. A 4 KiB read buffer reads the same frames (a larger one takes several reads).
pub async fn connect(
    url: &str,
) -> Result<
    (
        Ws,
        tokio_tungstenite::tungstenite::handshake::client::Response,
    ),
    tokio_tungstenite::tungstenite::Error,
> {
    let config =
        tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
    tokio_tungstenite::connect_async_with_config(url, Some(config), false).await
}
