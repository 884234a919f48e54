package org.attachmentpipeline.results.events;

import java.util.ArrayList;
import java.util.List;
import org.attachmentpipeline.common.event.EventRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Binds the event rules from their one settings block, {@code pipeline.ingest.extraction}, which
 * the event ingester reads too. The result processor's own copies of four of them ({@code
 * pipeline.results.events.domain-pointer}, {@code domain-type-segment}, {@code default-domain},
 * {@code attachments-pointer}) are deprecated: for one release each is still read when the shared
 * one is not set, with a WARN at start-up.
 */
final class EventRulesSettings {

  private static final Logger log = LoggerFactory.getLogger(EventRulesSettings.class);
  private static final String DEPRECATED_PREFIX = "pipeline.results.events.";
  private static final String[] DEPRECATED = {
    "domain-pointer", "domain-type-segment", "default-domain", "attachments-pointer"
  };

  private EventRulesSettings() {}

  static EventRules bind(Environment environment) {
    Binder binder = Binder.get(environment);
    MapConfigurationPropertySource aliases = new MapConfigurationPropertySource();
    for (String name : DEPRECATED) {
      binder
          .bind(DEPRECATED_PREFIX + name, String.class)
          .ifBound(
              value -> {
                String shared = EventRules.PREFIX + "." + name;
                if (binder.bind(shared, String.class).isBound()) {
                  log.warn(
                      "{}{} is deprecated and ignored: {} is set, and both the ingester and the"
                          + " result processor read it",
                      DEPRECATED_PREFIX,
                      name,
                      shared);
                } else {
                  log.warn(
                      "{}{} is deprecated (it goes in the next release): set {} instead, which the "
                          + "ingester reads too; using {}",
                      DEPRECATED_PREFIX,
                      name,
                      shared,
                      value);
                  aliases.put(shared, value);
                }
              });
    }
    Binder withAliases =
        new Binder(
            concat(aliases, ConfigurationPropertySources.get(environment)),
            new PropertySourcesPlaceholdersResolver(environment));
    return withAliases.bindOrCreate(EventRules.PREFIX, EventRules.class);
  }

  private static List<ConfigurationPropertySource> concat(
      ConfigurationPropertySource first, Iterable<ConfigurationPropertySource> rest) {
    List<ConfigurationPropertySource> all = new ArrayList<>();
    all.add(first);
    rest.forEach(all::add);
    return all;
  }
}
