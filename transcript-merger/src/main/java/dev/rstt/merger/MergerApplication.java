package dev.rstt.merger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The transcript merger: a Kafka Streams job plus transcript reads on port 8083. */
@SpringBootApplication
@EnableConfigurationProperties(MergerConfig.class)
public class MergerApplication {

  public static void main(String[] args) {
    SpringApplication.run(MergerApplication.class, args);
  }
}
