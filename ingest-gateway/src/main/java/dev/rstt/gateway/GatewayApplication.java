package dev.rstt.gateway;

import dev.rstt.common.auth.InternalAuthProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The ingest gateway: omi {@code /v4/listen} sockets in, audio to Kafka, transcript updates out. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableConfigurationProperties(InternalAuthProperties.class)
public class GatewayApplication {

  public static void main(String[] args) {
    SpringApplication.run(GatewayApplication.class, args);
  }
}
