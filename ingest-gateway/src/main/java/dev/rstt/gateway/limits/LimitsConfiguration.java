package dev.rstt.gateway.limits;

import dev.rstt.gateway.GatewayMetrics;
import dev.rstt.gateway.config.GatewayProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The connection-level limits: the instance's socket cap and the per-address upgrade rate, before the upgrade. */
@Configuration(proxyBeanMethods = false)
public class LimitsConfiguration {

  /** The paths whose upgrades the gate guards: the app sockets. */
  public static final Set<String> SOCKET_PATHS = Set.of("/v4/listen", "/v4/web/listen");

  @Bean
  public SocketPermits socketPermits(GatewayProperties props, MeterRegistry meters) {
    SocketPermits permits = new SocketPermits(props.limits().maxSockets());
    Gauge.builder("rstt.gateway.sockets.max", permits, SocketPermits::max)
        .description("App sockets this instance holds at most (limits.max-sockets)").register(meters);
    Gauge.builder("rstt.gateway.sockets.permits", permits, SocketPermits::inUse)
        .description("Socket places taken (admitted upgrades whose connection is open)").register(meters);
    return permits;
  }

  @Bean
  public AddressRate addressRate(GatewayProperties props, Clock clock) {
    return new AddressRate(props.limits().ipConnectBurst(), props.limits().ipConnectRefill(), clock);
  }

  @Bean
  public ConnectionGate connectionGate(AddressRate rate, SocketPermits permits, GatewayMetrics metrics) {
    return new ConnectionGate(SOCKET_PATHS, rate, permits, metrics);
  }
}
