package io.quorumkeeper.local;

/** The user's input (a file, an argument) is unusable: one line for the user, exit code 2. */
public class InputException extends LocalRuntimeException {

  public InputException(String message) {
    super(message);
  }
}
