import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.attachmentpipeline.common.json.PipelineJson;
import org.attachmentpipeline.common.message.DownloadTask;
import org.attachmentpipeline.results.inventory.InventoryRow;
import org.attachmentpipeline.results.inventory.InventoryTableReader;
import tools.jackson.databind.JsonNode;

/**
 * The host side of scripts/compose-check.sh: makes a run's files and events, posts the events to
 * the ingester container, and checks what the run left in the OneLake and Delta volumes, with the
 * project's own inventory reader. Run with the JDK's source launcher on the result processor's
 * classpath: {@code java -cp '<extracted result-processor>/*:<...>/lib/*' ComposeCheck.java <command> ...}.
 *
 * <ul>
 *   <li>{@code files <dir> <run> <count> <seed> <url base>}: {@code count} files of 1 KiB to
 *       1 MiB in {@code <dir>/files}, in events of 1 to 6 attachments ({@code <dir>/<run>.json}),
 *       plus one attachment the source does not have (a 404: a FAILED row and a dead letter);
 *       the expected outcome per task in {@code <dir>/<run>.tsv}.
 *   <li>{@code post <dir> <run> <ingester url> <token> [all|first|rest]}: posts the events (all,
 *       the first third, or the rest) in chunks of 25; a chunk that is refused or fails is sent
 *       again (the same event may arrive twice).
 *   <li>{@code await <dir> <run> <onelake dir> <inventory dir> <seconds>}: waits for a row per
 *       attachment, then checks: exactly one row each, SUCCEEDED with the source's SHA-256 (FAILED
 *       for the missing one), every file in OneLake once with those bytes, nothing else under the
 *       run's folders.
 *   <li>{@code prometheus <url> <job>...}: every target of every named job is up.
 * </ul>
 * Exits 1 with the reasons when a check fails.
 */
public final class ComposeCheck {

  static final String EVENT_TYPE = "verisk.claims.property.xn.documentsReceived";

  record Expected(String taskId, String name, String url, String sha256, String status) {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "files" -> files(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]), args[5]);
      case "post" -> post(Path.of(args[1]), args[2], args[3], args[4], args.length > 5 ? args[5] : "all");
      case "await" -> await(Path.of(args[1]), args[2], Path.of(args[3]), Path.of(args[4]), Integer.parseInt(args[5]));
      case "prometheus" -> prometheus(args[1], List.of(args).subList(2, args.length));
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  static void files(Path dir, String run, int count, long seed, String urlBase) throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    SplittableRandom random = new SplittableRandom(seed);
    List<Map<String, Object>> events = new ArrayList<>();
    List<Expected> expected = new ArrayList<>();
    int made = 0;
    for (int e = 0; made < count; e++) {
      String traceId = run + "-trace-" + e;
      List<String> urls = new ArrayList<>();
      int attachments = Math.min(count - made, 1 + random.nextInt(6));
      for (int a = 0; a < attachments; a++, made++) {
        String name = run + "-" + e + "-" + a + (random.nextBoolean() ? ".pdf" : ".jpg");
        byte[] content = new byte[1024 + random.nextInt(1024 * 1024)];
        new java.util.Random(random.nextLong()).nextBytes(content);
        Files.write(files.resolve(name), content);
        String url = urlBase + name;
        urls.add(url);
        expected.add(new Expected(DownloadTask.idFor(traceId, url), name, url, sha256(content), "SUCCEEDED"));
      }
      events.add(event(traceId, run + "-A" + e, urls));
    }
    String missingTrace = run + "-trace-missing";
    String missingUrl = urlBase + run + "-missing.pdf";
    events.add(event(missingTrace, run + "-A-missing", List.of(missingUrl)));
    expected.add(new Expected(DownloadTask.idFor(missingTrace, missingUrl), run + "-missing.pdf", missingUrl, "", "FAILED"));
    Files.writeString(dir.resolve(run + ".json"), PipelineJson.mapper().writeValueAsString(events));
    Files.write(
        dir.resolve(run + ".tsv"),
        expected.stream().map(x -> String.join("\t", x.taskId(), x.name(), x.url(), x.sha256(), x.status())).toList());
    System.out.printf("%s: %d files (%d MiB) in %d events, plus one missing attachment (trace %s)%n",
        run, count, sizeOf(files, run) >> 20, events.size(), missingTrace);
  }

  private static Map<String, Object> event(String traceId, String assignment, List<String> urls) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", EVENT_TYPE);
    event.put("version", 1);
    event.put("utcDateTime", Instant.now().toString());
    event.put("traceId", traceId);
    event.put("data", Map.of("assignmentId", assignment, "attachments", urls));
    return event;
  }

  static void post(Path dir, String run, String ingester, String token, String part) throws Exception {
    JsonNode events = PipelineJson.mapper().readTree(Files.readString(dir.resolve(run + ".json")));
    int third = events.size() / 3;
    int start = part.equals("rest") ? third : 0;
    int end = part.equals("first") ? third : events.size();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    int chunks = 0;
    int repeated = 0;
    for (int from = start; from < end; from += 25) {
      List<JsonNode> chunk = new ArrayList<>();
      for (int i = from; i < Math.min(end, from + 25); i++) {
        chunk.add(events.get(i));
      }
      String body = PipelineJson.mapper().writeValueAsString(chunk);
      Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
      for (int attempt = 1; ; attempt++) {
        int status = send(http, ingester, token, body);
        if (status == 202) {
          break;
        }
        if (status == 401 || status == 400 || status == 413 || Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the ingester answered " + status + " to chunk " + chunks);
        }
        repeated++;
        Thread.sleep(500);
      }
      chunks++;
    }
    System.out.printf("%s: %d events posted in %d requests (%d sent again)%n", run, end - start, chunks, repeated);
  }

  private static int send(HttpClient http, String ingester, String token, String body) throws InterruptedException {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(ingester + "/api/events"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  static void await(Path dir, String run, Path onelake, Path inventory, int seconds) throws Exception {
    Map<String, Expected> expected = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve(run + ".tsv"))) {
      String[] f = line.split("\t", -1);
      expected.put(f[0], new Expected(f[0], f[1], f[2], f[3], f[4]));
    }
    Instant start = Instant.now();
    Instant deadline = start.plusSeconds(seconds);
    List<InventoryRow> rows = List.of();
    long present = 0;
    while (Instant.now().isBefore(deadline)) {
      rows = Files.isDirectory(inventory.resolve("_delta_log"))
          ? InventoryTableReader.readAll(inventory).stream().filter(r -> expected.containsKey(r.taskId())).toList()
          : List.of();
      present = rows.stream().map(InventoryRow::taskId).distinct().count();
      if (present == expected.size()) {
        break;
      }
      Thread.sleep(2_000);
    }
    long waited = Duration.between(start, Instant.now()).toSeconds();
    List<String> problems = new ArrayList<>();
    if (present < expected.size()) {
      problems.add((expected.size() - present) + " of " + expected.size() + " attachments have no inventory row after " + waited + " s");
    }
    Map<String, List<InventoryRow>> byTask = rows.stream().collect(Collectors.groupingBy(InventoryRow::taskId));
    byTask.forEach((task, list) -> {
      if (list.size() > 1) {
        problems.add(expected.get(task).name() + ": " + list.size() + " inventory rows");
      }
    });
    int landed = 0;
    Set<Path> stored = new HashSet<>();
    for (Expected x : expected.values()) {
      List<InventoryRow> found = byTask.get(x.taskId());
      if (found == null) {
        continue;
      }
      InventoryRow row = found.get(0);
      if (!x.status().equals(row.status())) {
        problems.add(x.name() + ": status " + row.status() + ", expected " + x.status() + " (" + row.lastErrorMessage() + ")");
        continue;
      }
      if (!row.succeeded()) {
        continue;
      }
      if (!x.sha256().equals(row.sha256())) {
        problems.add(x.name() + ": inventory sha256 " + row.sha256() + ", source " + x.sha256());
      }
      URI uri = URI.create(row.onelakePath());
      Path local = onelake.resolve(uri.getUserInfo()).resolve(uri.getPath().substring(1));
      stored.add(local);
      if (!Files.isRegularFile(local)) {
        problems.add(x.name() + ": not in OneLake at " + local);
      } else if (!x.sha256().equals(sha256(Files.readAllBytes(local)))) {
        problems.add(x.name() + ": OneLake bytes differ from the source's");
      } else {
        landed++;
      }
    }
    long succeeded = expected.values().stream().filter(x -> x.status().equals("SUCCEEDED")).count();
    List<Path> runFiles;
    try (Stream<Path> walk = Files.walk(onelake)) {
      runFiles = walk.filter(Files::isRegularFile).filter(p -> p.toString().contains("/" + run + "-A")).toList();
    }
    if (runFiles.size() != succeeded) {
      problems.add(runFiles.size() + " files under the run's OneLake folders, expected " + succeeded
          + "; not named by a row: " + runFiles.stream().filter(f -> !stored.contains(f)).limit(5).toList());
    }
    System.out.printf("%s: %d attachments, %d inventory rows for them, %d in OneLake with the source's SHA-256, "
            + "%d files under the run's folders, waited %d s%n",
        run, expected.size(), rows.size(), landed, runFiles.size(), waited);
    if (!problems.isEmpty()) {
      problems.stream().limit(40).forEach(p -> System.out.println("  FAILED: " + p));
      System.exit(1);
    }
  }

  static void prometheus(String url, List<String> jobs) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v1/query?query=" + URLEncoder.encode("up", StandardCharsets.UTF_8)))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, List<String>> byJob = new TreeMap<>();
    List<String> down = new ArrayList<>();
    for (JsonNode sample : PipelineJson.mapper().readTree(body).path("data").path("result")) {
      String job = sample.path("metric").path("job").asText();
      String instance = sample.path("metric").path("instance").asText();
      byJob.computeIfAbsent(job, j -> new ArrayList<>()).add(instance);
      if (!"1".equals(sample.path("value").get(1).asText())) {
        down.add(job + " " + instance);
      }
    }
    byJob.forEach((job, instances) -> System.out.printf("  up: %-22s %s%n", job, instances));
    List<String> missing = jobs.stream().filter(job -> !byJob.containsKey(job)).toList();
    if (!missing.isEmpty() || !down.isEmpty()) {
      System.out.println("  FAILED: jobs without a target " + missing + ", targets down " + down);
      System.exit(1);
    }
  }

  private static long sizeOf(Path files, String run) throws IOException {
    try (Stream<Path> list = Files.list(files)) {
      return list.filter(p -> p.getFileName().toString().startsWith(run + "-")).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
