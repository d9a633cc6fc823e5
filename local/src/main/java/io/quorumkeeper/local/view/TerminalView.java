package io.quorumkeeper.local.view;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live terminal: the cluster table redrawn in place every second and the Kubernetes events as
 * they happen (the last ones under the table). Without a terminal (output piped to a file), the
 * table is printed when it changes and each event once, as a line.
 */
public final class TerminalView implements AutoCloseable {

  private static final int EVENTS_SHOWN = 12;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final KubernetesClient client;
  private final PrintStream out;
  private final boolean tty;
  private final String header;
  private final Supplier<String> operatorState;
  private final Deque<String> events = new ArrayDeque<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "terminal-view");
            t.setDaemon(true);
            return t;
          });
  private Watch watch;
  private String lastTable = "";
  private volatile String message = "";
  private String lastOperatorState = "";

  /**
   * @param operatorState the operator process's state in one line, shown under the header (a line
   *     of its own, when it changes, without a terminal)
   */
  public TerminalView(
      KubernetesClient client,
      PrintStream out,
      boolean tty,
      String header,
      Supplier<String> operatorState) {
    this.client = client;
    this.out = out;
    this.tty = tty;
    this.header = header;
    this.operatorState = operatorState;
  }

  public void start() {
    watch =
        client
            .v1()
            .events()
            .inAnyNamespace()
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Event e) {
                    if (action == Action.ADDED) {
                      event(e);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    timer.scheduleWithFixedDelay(this::draw, 0, 1, TimeUnit.SECONDS);
  }

  /** A line shown under the table (scenario progress, a fault that was applied). */
  public void say(String line) {
    message = LocalTime.now().format(CLOCK) + "  " + line;
    if (!tty) {
      out.println(message);
    }
  }

  private void event(Event e) {
    String line =
        String.format(
            "%s  %-7s %-16s %s/%s  %s",
            LocalTime.now().format(CLOCK),
            e.getType(),
            e.getReason(),
            e.getInvolvedObject().getKind(),
            e.getInvolvedObject().getName(),
            e.getMessage());
    synchronized (events) {
      events.addLast(line);
      while (events.size() > EVENTS_SHOWN) {
        events.removeFirst();
      }
    }
    if (!tty) {
      out.println("event: " + line);
    }
  }

  private void draw() {
    try {
      String operator = operatorState.get();
      if (!tty && !operator.equals(lastOperatorState)) {
        lastOperatorState = operator;
        out.println(operator);
      }
      String table = ClusterTable.render(client, tty);
      if (tty) {
        StringBuilder screen = new StringBuilder("\033[H\033[2J");
        screen.append(header).append('\n').append(operator).append("\n\n");
        screen.append(table).append("\nEVENTS\n");
        synchronized (events) {
          if (events.isEmpty()) {
            screen.append("  (none yet)\n");
          }
          events.forEach(l -> screen.append("  ").append(l).append('\n'));
        }
        if (!message.isEmpty()) {
          screen.append('\n').append(message).append('\n');
        }
        out.print(screen);
        out.flush();
      } else {
        String withoutAges = table.replaceAll("(?m) +\\d+[smh]$", "");
        if (!withoutAges.equals(lastTable)) {
          lastTable = withoutAges;
          out.print(table);
          out.println();
        }
      }
    } catch (RuntimeException e) {
      // the API is going away (shutdown) or busy: the next tick redraws
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (watch != null) {
      watch.close();
    }
  }
}
