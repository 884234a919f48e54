package org.attachmentpipeline.dlq.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed command line of {@code dlq}: the command, its positional arguments, and its options
 * ({@code --name value} or {@code --name=value}; {@code --task-id} may repeat).
 */
final class CliArguments {

  /** Options that take a value. */
  static final Set<String> VALUED =
      Set.of(
          "url", "token", "user", "operator", "task-id", "trace-id", "domain", "failure", "stage",
          "error-code", "from", "to", "status", "page", "size", "reason");

  /** Options that are switches. */
  static final Set<String> SWITCHES = Set.of("dry-run", "json", "help");

  final String command;
  final List<String> positional;
  final Map<String, List<String>> options;

  private CliArguments(String command, List<String> positional, Map<String, List<String>> options) {
    this.command = command;
    this.positional = positional;
    this.options = options;
  }

  static CliArguments parse(String[] args) {
    String command = null;
    List<String> positional = new ArrayList<>();
    Map<String, List<String>> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-h")) {
        arg = "--help";
      }
      if (arg.startsWith("--") && arg.length() > 2) {
        String name = arg.substring(2);
        String value = null;
        int equals = name.indexOf('=');
        if (equals >= 0) {
          value = name.substring(equals + 1);
          name = name.substring(0, equals);
        }
        if (SWITCHES.contains(name)) {
          if (value != null) {
            throw new UsageException("--" + name + " takes no value");
          }
          options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
        } else if (VALUED.contains(name)) {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new UsageException("--" + name + " needs a value");
            }
            value = args[++i];
          }
          options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        } else {
          throw new UsageException("unknown option --" + name);
        }
      } else if (command == null) {
        command = arg;
      } else {
        positional.add(arg);
      }
    }
    return new CliArguments(command, positional, options);
  }

  boolean has(String name) {
    return options.containsKey(name);
  }

  String value(String name) {
    List<String> values = options.get(name);
    if (values == null) {
      return null;
    }
    if (values.size() > 1 && !name.equals("task-id")) {
      throw new UsageException("--" + name + " given more than once");
    }
    return values.get(values.size() - 1);
  }

  List<String> values(String name) {
    return options.getOrDefault(name, List.of());
  }

  Integer integer(String name) {
    String value = value(name);
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, not " + value);
    }
  }

  /** A mistake in the command line: exit code 2 with the usage. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
