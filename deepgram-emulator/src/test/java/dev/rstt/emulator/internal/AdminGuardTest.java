package dev.rstt.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rstt.emulator.EmulatorSettings.AdminAccess;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AdminGuardTest {

  static InetSocketAddress peer(String literal) {
    return new InetSocketAddress(literal, 40000);
  }

  @Test
  void shouldAnswerLoopbackPeersNamingALoopbackHostOnlyByDefault() {
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, peer("127.0.0.1"), "127.0.0.1:8090")).isNull();
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, peer("127.0.0.2"), "localhost:8090")).isNull();
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, peer("::1"), "[::1]:8090")).isNull();
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, peer("::ffff:127.0.0.1"), "localhost")).isNull();
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, peer("127.0.0.1"), null)).isNull();
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, peer("192.0.2.7"), "127.0.0.1:8090"))
        .contains("loopback clients only").contains("--admin-access any");
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, peer("10.1.2.3"), "localhost")).isNotNull();
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, null, "localhost")).isNotNull();
    assertThat(AdminGuard.refusal(AdminAccess.LOOPBACK, peer("127.0.0.1"), "attacker.example:8090"))
        .as("a page whose DNS name was rebound to 127.0.0.1").contains("attacker.example");
  }

  @Test
  void shouldAnswerAnyPeerWhenOpenedByName() {
    assertThat(AdminGuard.refusal(AdminAccess.ANY, peer("192.0.2.7"), "deepgram-emulator:8090")).isNull();
  }

  @Test
  void shouldTellLoopbackHostNamesFromOthersWithoutResolvingThem() {
    for (String host : new String[] {"localhost", "LOCALHOST:80", "app.localhost:8090", "127.0.0.1", "127.9.9.9:1",
        "[::1]", "[::1]:8090"}) {
      assertThat(AdminGuard.loopbackHost(host)).as(host).isTrue();
    }
    for (String host : new String[] {"example.com", "localhost.example.com", "128.0.0.1", "192.0.2.1:8090",
        "[::2]:80", "[::1", "127.0.0.1.nip.io", "0x7f000001"}) {
      assertThat(AdminGuard.loopbackHost(host)).as(host).isFalse();
    }
  }
}
