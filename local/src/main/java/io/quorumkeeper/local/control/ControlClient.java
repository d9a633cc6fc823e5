package io.quorumkeeper.local.control;

import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** Sends one verb to the runtime running on a folder, from another terminal. */
public final class ControlClient {

  private final Path folder;

  public ControlClient(Path folder) {
    this.folder = folder;
  }

  public String send(String verb, Map<String, String> params, String body) {
    int port;
    try {
      port = Integer.parseInt(Files.readString(folder.resolve("control.port")).trim());
    } catch (NoSuchFileException e) {
      throw new LocalRuntimeException(
          "no runtime is running on " + folder + " (start one with ./quorum-keeper local <file>)");
    } catch (IOException | NumberFormatException e) {
      throw new LocalRuntimeException(
          "cannot read " + folder.resolve("control.port") + ": " + e.getMessage());
    }
    String query =
        params.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/" + verb + "?" + query))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      String text = response.body().strip();
      if (response.statusCode() == 400) {
        throw new InputException(text);
      }
      if (response.statusCode() != 200) {
        throw new LocalRuntimeException(text);
      }
      return text;
    } catch (ConnectException e) {
      throw new LocalRuntimeException(
          "the runtime on " + folder + " does not answer on 127.0.0.1:" + port + " (stopped?)");
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot reach the runtime: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalRuntimeException("interrupted");
    }
  }
}
