package dev.rstt.batch.deepgram;

import java.util.concurrent.CompletionStage;

/** Transcribes one batch chunk asynchronously; fails with a {@code DeepgramException} or an IO error. */
@FunctionalInterface
public interface Transcriber {
  CompletionStage<Transcript> transcribe(ChunkRequest request);
}
