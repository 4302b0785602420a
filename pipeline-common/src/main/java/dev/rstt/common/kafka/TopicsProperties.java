package dev.rstt.common.kafka;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Topic names and layout shared by every service ({@code rstt.topics.*}). Partitions and replication only
 * matter when {@code create} is true: the service then creates missing topics (and their {@code -dlt} twins)
 * at start.
 *
 * @param audioFrames name of the gateway's audio topic
 * @param audioDegraded name of the rerouted audio topic
 * @param transcriptEvents name of the worker output topic
 * @param sessionUpdates name of the merger output topic
 * @param sessionPositions name of the gateways' compacted topic of resumable sessions
 * @param partitions partitions of each topic when created
 * @param replicationFactor replication factor of each topic when created
 * @param create whether to create missing topics at start
 * @param serdeProvider class name of a {@code ValueSerdeProvider}; blank means Avro single-object encoding
 */
@Validated
@ConfigurationProperties("rstt.topics")
public record TopicsProperties(
    @DefaultValue("audio.frames") @NotBlank String audioFrames,
    @DefaultValue("audio.degraded") @NotBlank String audioDegraded,
    @DefaultValue("transcript.events") @NotBlank String transcriptEvents,
    @DefaultValue("session.updates") @NotBlank String sessionUpdates,
    @DefaultValue("session.positions") @NotBlank String sessionPositions,
    @DefaultValue("12") @Min(1) @Max(10000) int partitions,
    @DefaultValue("1") @Min(1) @Max(32) short replicationFactor,
    @DefaultValue("true") boolean create,
    @DefaultValue("") String serdeProvider) {
}
