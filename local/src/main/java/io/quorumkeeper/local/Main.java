package io.quorumkeeper.local;

import io.quorumkeeper.local.api.ResourceFiles;
import io.quorumkeeper.local.bench.CreateToReadyBenchmark;
import io.quorumkeeper.local.bench.FailoverBenchmark;
import io.quorumkeeper.local.bench.HealBenchmark;
import io.quorumkeeper.local.bench.IdleCostBenchmark;
import io.quorumkeeper.local.bench.RollBenchmark;
import io.quorumkeeper.local.client.KafkaVerb;
import io.quorumkeeper.local.control.ControlClient;
import io.quorumkeeper.local.control.ControlServer;
import io.quorumkeeper.local.control.Faults;
import io.quorumkeeper.local.control.Scenario;
import io.quorumkeeper.local.view.TerminalView;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code quorum-keeper}: run the local runtime, or send it a verb from another terminal. Exit
 * codes: 0 done, 1 the runtime failed, 2 bad input (a file, an argument, an object the API refuses
 * as invalid).
 */
public final class Main {

  static final String USAGE =
      """
      usage:
        quorum-keeper local [FILE...] [--dir DIR] [--net 127.A.B] [--api-port PORT] [--scenario FILE] [--no-view]
            run the operator and Kafka on this machine; apply the QuorumCluster FILEs; Ctrl-C stops everything
        quorum-keeper apply FILE | delete NAME | status                       [--dir DIR]
        quorum-keeper kill|wipe|freeze|thaw|node-down|node-up POD [-n NAMESPACE] [--dir DIR]
            talk to the runtime running on DIR (default .local-runtime)
        quorum-keeper kafka [--cluster NAME] [--listener NAME | --admin] TOOL [ARGS...]
            one of Kafka's tools (kafka-topics, kafka-console-producer, ...) against a cluster of that runtime,
            with the listener's user from its Secret (quorum-keeper kafka --help)
        quorum-keeper bench [ready] [RUNS] [EXAMPLE...]
            Create -> Ready of the examples, TLS and Plaintext, against bare Kafka processes (docs/local-runtime.md)
        quorum-keeper bench failover [RUNS]
            kill -9 the leader RUNS times (default 10): new leader's own log -> status.quorum.leaderId
        quorum-keeper bench idle [SECONDS]
            operator CPU and API writes per minute on an idle Ready cluster, TLS then Plaintext (default 60 s;
            docs/observation.md)
        quorum-keeper bench heal [RUNS] [wipe]
            fault -> full fault tolerance again: spare activation, volume wipe (TLS, Plaintext) vs Kafka's auto-join
            ("wipe": the volume wipe only; docs/local-runtime.md, docs/security.md)
        quorum-keeper bench roll [RUNS] [EXAMPLE...]
            quorum-aware roll under produce load vs pods deleted one by one (default 5 runs; docs/rolling-restarts.md)
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args, System.err));
  }

  /** Runs the command; an error is one line on {@code err} and its exit code (1 or 2). */
  static int execute(String[] args, PrintStream err) {
    try {
      return run(args);
    } catch (InputException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (LocalRuntimeException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  /** Parsed command line: the verb, its positional arguments and its --options. */
  record Args(String verb, List<String> positional, Map<String, String> options) {

    static Args parse(String[] args) {
      if (args.length == 0) {
        throw new InputException("no command\n" + USAGE);
      }
      List<String> positional = new ArrayList<>();
      Map<String, String> options = new LinkedHashMap<>();
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--no-view") || a.equals("-h") || a.equals("--help")) {
          options.put(a, "true");
        } else if (a.startsWith("-")) {
          if (i + 1 >= args.length) {
            throw new InputException(a + " needs a value");
          }
          options.put(a.equals("-n") ? "--namespace" : a, args[++i]);
        } else {
          positional.add(a);
        }
      }
      for (String key : options.keySet()) {
        if (!List.of(
                "--dir",
                "--net",
                "--api-port",
                "--scenario",
                "--no-view",
                "--namespace",
                "-h",
                "--help",
                "--hosts-file")
            .contains(key)) {
          throw new InputException("unknown option " + key + "\n" + USAGE);
        }
      }
      return new Args(args[0], positional, options);
    }

    Path dir(Path home) {
      return Path.of(options.getOrDefault("--dir", home.resolve(".local-runtime").toString()))
          .toAbsolutePath()
          .normalize();
    }
  }

  static int run(String[] argv) {
    Path home = Path.of(System.getProperty("quorumkeeper.home", ".")).toAbsolutePath().normalize();
    if (argv.length > 0 && argv[0].equals("kafka")) {
      // the tool's own options follow its name: they are not this command's
      return KafkaVerb.run(home, List.of(argv).subList(1, argv.length));
    }
    Args args = Args.parse(argv);
    if (args.options().containsKey("-h")
        || args.options().containsKey("--help")
        || args.verb().equals("help")) {
      System.out.print(USAGE);
      return 0;
    }
    ControlClient control = new ControlClient(args.dir(home));
    String ns = args.options().getOrDefault("--namespace", "default");
    switch (args.verb()) {
      case "local" -> {
        return runLocal(args, home);
      }
      case "apply" -> {
        Path file = Path.of(one(args, "FILE"));
        ResourceFiles.forCrd(RuntimeOptions.defaults(home, home).crd()).read(file);
        System.out.println(control.send("apply", Map.of("file", file.toString()), read(file)));
        return 0;
      }
      case "delete" -> {
        System.out.println(
            control.send("delete", Map.of("name", one(args, "NAME"), "namespace", ns), ""));
        return 0;
      }
      case "status" -> {
        System.out.print(control.send("status", Map.of(), "") + "\n");
        return 0;
      }
      case "bench" -> {
        Path log = home.resolve("local/target/bench/bench.log");
        try {
          Files.createDirectories(log.getParent());
        } catch (IOException e) {
          throw new LocalRuntimeException(
              "cannot create " + log.getParent() + ": " + e.getMessage());
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", log.toString());
        return bench(home, args.positional());
      }
      default -> {
        if (!Faults.POD_VERBS.contains(args.verb())) {
          throw new InputException("unknown command " + args.verb() + "\n" + USAGE);
        }
        System.out.println(
            control.send(args.verb(), Map.of("pod", one(args, "POD"), "namespace", ns), ""));
        return 0;
      }
    }
  }

  /** {@code bench failover|idle|ready ...}; without a name, the Create -> Ready benchmark. */
  private static int bench(Path home, List<String> args) {
    String name = args.isEmpty() ? "ready" : args.get(0);
    List<String> rest = args.isEmpty() ? args : args.subList(1, args.size());
    return switch (name) {
      case "failover" -> FailoverBenchmark.run(home, rest);
      case "idle" -> IdleCostBenchmark.run(home, rest);
      case "ready" -> CreateToReadyBenchmark.run(home, rest);
      case "heal" -> HealBenchmark.run(home, rest);
      case "roll" -> RollBenchmark.run(home, rest);
      default -> {
        if (!name.matches("\\d+")) {
          throw new InputException("unknown benchmark " + name + "\n" + USAGE);
        }
        yield CreateToReadyBenchmark.run(
            home, args); // the original form: bench [RUNS] [EXAMPLE...]
      }
    };
  }

  private static String one(Args args, String what) {
    if (args.positional().size() != 1) {
      throw new InputException(args.verb() + " takes one " + what);
    }
    return args.positional().get(0);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage());
    }
  }

  private static int runLocal(Args args, Path home) {
    Path dir = args.dir(home);
    RuntimeOptions options = RuntimeOptions.defaults(home, dir);
    if (args.options().containsKey("--net")) {
      options = options.withNet(args.options().get("--net"));
    }
    if (args.options().containsKey("--hosts-file")) {
      options = options.withHostsFile(Path.of(args.options().get("--hosts-file")).toAbsolutePath());
    }
    if (args.options().containsKey("--api-port")) {
      try {
        options = options.withApiPort(Integer.parseInt(args.options().get("--api-port")));
      } catch (NumberFormatException e) {
        throw new InputException("--api-port must be a number");
      }
    }
    // Everything the user gave is checked before anything starts.
    io.quorumkeeper.local.kube.Addresses.checkBlock(options.net());
    if (!Files.exists(options.crd())) {
      throw new LocalRuntimeException(
          options.crd() + " is missing: run ./mvnw -q -DskipTests package");
    }
    ResourceFiles files = ResourceFiles.forCrd(options.crd());
    List<Path> applied = args.positional().stream().map(Path::of).toList();
    applied.forEach(files::read);
    Scenario scenario =
        args.options().containsKey("--scenario")
            ? Scenario.read(Path.of(args.options().get("--scenario")))
            : null;
    try {
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot create " + dir + ": " + e.getMessage());
    }
    System.setProperty(
        "org.slf4j.simpleLogger.logFile", dir.resolve("logs/runtime.log").toString());
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSS");
    boolean tty = System.console() != null && !args.options().containsKey("--no-view");
    System.out.println(
        "quorum-keeper local: starting in " + dir + " (logs in " + dir.resolve("logs") + ")");
    LocalRuntime runtime = LocalRuntime.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    ControlServer control = ControlServer.start(runtime);
    String header =
        "quorum-keeper local  API "
            + runtime.apiUrl()
            + "  folder "
            + dir
            + "\nfaults from another terminal: ./quorum-keeper kill|wipe|freeze|thaw|node-down|node-up <pod>   Ctrl-C stops everything";
    TerminalView view =
        new TerminalView(runtime.client(), System.out, tty, header, runtime::operatorState);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  view.close();
                  control.close();
                  System.out.println("\nquorum-keeper local: stopping every process...");
                  runtime.close();
                  System.out.println(
                      "quorum-keeper local: stopped; state kept in "
                          + dir
                          + " (start again to resume)");
                  stopped.countDown();
                },
                "shutdown"));
    for (Path file : applied) {
      try {
        runtime
            .apply(file)
            .forEach(
                r -> System.out.println("quorumcluster/" + r.getMetadata().getName() + " applied"));
      } catch (InputException e) {
        // e.g. a changed topology against the resumed state: refused, the running cluster stays
        System.err.println("error: " + e.getMessage());
      }
    }
    if (!args.options().containsKey("--no-view")) {
      view.start();
    }
    if (scenario != null) {
      Thread t =
          new Thread(
              () -> {
                try {
                  scenario.run(runtime, view::say);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  view.say("scenario failed: " + e.getMessage());
                }
              },
              "scenario");
      t.setDaemon(true);
      t.start();
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
