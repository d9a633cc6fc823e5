package io.quorumkeeper.node.kraft;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A debugger's hold on a pod's JVM (started with {@link NodeProcesses#startDebuggable}): suspends
 * and resumes named threads, as a disk that blocks a write stops the one thread writing to it while
 * the rest of the process carries on. Detaching resumes whatever is still suspended.
 */
final class JvmThreads implements AutoCloseable {

  private final VirtualMachine vm;

  private JvmThreads(VirtualMachine vm) {
    this.vm = vm;
  }

  static JvmThreads attach(String host, int port) throws IOException {
    AttachingConnector socket =
        Bootstrap.virtualMachineManager().attachingConnectors().stream()
            .filter(c -> c.name().equals("com.sun.jdi.SocketAttach"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("this JDK has no socket attach"));
    Map<String, Connector.Argument> arguments = socket.defaultArguments();
    arguments.get("hostname").setValue(host);
    arguments.get("port").setValue(String.valueOf(port));
    try {
      return new JvmThreads(socket.attach(arguments));
    } catch (IllegalConnectorArgumentsException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Suspends every live thread whose name matches; fails when none does. */
  List<String> suspend(Pattern name) {
    List<ThreadReference> matching =
        vm.allThreads().stream().filter(t -> name.matcher(t.name()).find()).toList();
    if (matching.isEmpty()) {
      throw new IllegalStateException(
          "no thread matches "
              + name
              + " among "
              + vm.allThreads().stream().map(ThreadReference::name).sorted().toList());
    }
    matching.forEach(ThreadReference::suspend);
    return matching.stream().map(ThreadReference::name).toList();
  }

  /** Resumes every thread this JVM's debugger has suspended. */
  void resumeAll() {
    vm.resume();
  }

  @Override
  public void close() {
    vm.dispose();
  }
}
