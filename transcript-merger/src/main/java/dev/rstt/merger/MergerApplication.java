package dev.rstt.merger;

import dev.rstt.common.auth.InternalAuthProperties;
import dev.rstt.merger.query.InternalAccessFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The transcript merger: a Kafka Streams job plus transcript reads for the gateway on its internal port (8083, bound
 * to {@code RSTT_MANAGEMENT_ADDRESS}, loopback by default), behind the internal credential.
 */
@SpringBootApplication
@EnableConfigurationProperties({MergerConfig.class, InternalAuthProperties.class})
public class MergerApplication {

  private static final Logger log = LoggerFactory.getLogger(MergerApplication.class);

  @Bean
  InternalAccessFilter internalAccessFilter(InternalAuthProperties auth) {
    if (!auth.credential().required()) {
      log.warn("DEVELOPMENT MODE: the internal transcript API takes no credential (rstt.internal.secret is blank)");
    }
    return new InternalAccessFilter(auth.credential());
  }

  public static void main(String[] args) {
    SpringApplication.run(MergerApplication.class, args);
  }
}
