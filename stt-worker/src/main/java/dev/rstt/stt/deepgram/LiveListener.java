package dev.rstt.stt.deepgram;

/** Events of one live connection, called from HTTP client threads: implementations hand them off. */
public interface LiveListener {

  /** A final {@code Results} message (interim ones are never requested). */
  void onFinal(FinalResult result);

  /** Any message arrived (proof of life for stall detection). */
  void onMessage();

  /** The socket closed (by the server, or after our CloseStream). */
  void onClose(int code, String reason);

  /** The socket failed (IO error, failed send). */
  void onError(Throwable error);
}
