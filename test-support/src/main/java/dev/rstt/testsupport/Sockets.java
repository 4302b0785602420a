package dev.rstt.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;

/** Plain TCP probes for the tests of what a service exposes: who can connect, and what the server does with silence. */
public final class Sockets {

  private Sockets() {
  }

  /** A non-loopback IPv4 address of this machine (what another host on the network would connect to), if any. */
  public static Optional<InetAddress> nonLoopbackAddress() {
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return Optional.of(a);
          }
        }
      }
    } catch (SocketException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Whether a TCP connection to {@code address:port} is accepted within {@code timeout}. */
  public static boolean accepts(InetAddress address, int port, Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Connects to {@code host:port}, sends nothing, and waits for the server to close the connection; returns how long
   * that took, or empty when it was still open after {@code atMost}.
   */
  public static Optional<Duration> silentConnectionClosedAfter(String host, int port, Duration atMost) {
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 5000);
      s.setSoTimeout((int) atMost.toMillis());
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // the server sent something without a request: keep waiting for the close
      }
      return Optional.of(Duration.ofNanos(System.nanoTime() - start));
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    } catch (IOException e) { // reset by the server: closed too
      return Optional.of(Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
