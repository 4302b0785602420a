package dev.rstt.e2e;

import dev.rstt.tools.chaos.ProcessControl;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ProcessControl} over a {@link Stack}: kill -9 of a service's JVM, and a new JVM in its place on restart
 * (gateways and the merger on the same port); SIGSTOP/SIGCONT of the broker when the stack runs it as a
 * {@link BrokerProcess} (the in-process broker cannot be stopped).
 */
final class StackProcesses implements ProcessControl {

  private final Stack stack;
  private final List<ServiceProcess> gateways;
  private final List<Integer> gatewayPorts = new ArrayList<>();
  private volatile ServiceProcess sttWorker;
  private volatile ServiceProcess batchWorker;

  StackProcesses(Stack stack, ServiceProcess sttWorker, ServiceProcess batchWorker, List<ServiceProcess> gateways) {
    this.stack = stack;
    this.sttWorker = sttWorker;
    this.batchWorker = batchWorker;
    this.gateways = new ArrayList<>(gateways);
    gateways.forEach(g -> gatewayPorts.add(g.port()));
  }

  List<String> gatewayUrls() {
    return gatewayPorts.stream().map(p -> "http://127.0.0.1:" + p).toList();
  }

  @Override
  public int gateways() {
    return gateways.size();
  }

  @Override
  public boolean canStallBroker() {
    return stack.brokerProcess != null;
  }

  @Override
  public void kill(Service service, int index) throws Exception {
    switch (service) {
      case STT_WORKER -> sttWorker.kill();
      case BATCH_WORKER -> batchWorker.kill();
      case MERGER -> stack.merger.kill();
      case GATEWAY -> gateways.get(index).kill();
    }
  }

  @Override
  public void restart(Service service, int index) {
    switch (service) {
      case STT_WORKER -> sttWorker = stack.startSttWorker();
      case BATCH_WORKER -> batchWorker = stack.startBatchWorker();
      case MERGER -> stack.startMerger();
      case GATEWAY -> {
        synchronized (gateways) {
          gateways.set(index, stack.startGateway(gatewayPorts.get(index)));
        }
      }
    }
  }

  @Override
  public void stallBroker() {
    broker().pause();
  }

  @Override
  public void resumeBroker() {
    broker().resume();
  }

  @Override
  public void releaseAll() {
    // every kill is followed by its restart in the schedule; only a stopped broker can be left behind
    if (stack.brokerProcess != null) {
      stack.brokerProcess.resume();
    }
  }

  private BrokerProcess broker() {
    if (stack.brokerProcess == null) {
      throw new UnsupportedOperationException("the in-process broker cannot be stopped");
    }
    return stack.brokerProcess;
  }
}
