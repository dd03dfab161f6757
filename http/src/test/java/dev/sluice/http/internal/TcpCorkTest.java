package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class TcpCorkTest {

  @Test
  void corksAndUncorksAConnectionsSocket() throws IOException {
    try (ServerSocketChannel server =
            ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      assertThat(TcpCork.corked(accepted)).as("a new socket").isZero();

      assertThat(TcpCork.cork(accepted)).isTrue();
      assertThat(TcpCork.corked(accepted)).isEqualTo(1);
      accepted.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));

      assertThat(TcpCork.uncork(accepted)).isTrue();
      assertThat(TcpCork.corked(accepted)).isZero();
      ByteBuffer received = ByteBuffer.allocate(3);
      while (received.hasRemaining()) {
        client.read(received);
      }
      assertThat(received.array()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void aClosedChannelIsLeftAlone() throws IOException {
    SocketChannel closed = SocketChannel.open();
    closed.close();

    assertThat(TcpCork.cork(closed)).isFalse();
    assertThat(TcpCork.uncork(closed)).isFalse();
  }
}
