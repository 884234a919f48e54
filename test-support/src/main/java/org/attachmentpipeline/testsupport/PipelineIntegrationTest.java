package org.attachmentpipeline.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A whole application on the module's embedded KRaft broker (spring-kafka's global embedded Kafka,
 * switched on in each module's {@code junit-platform.properties}), with topics and consumer groups
 * of its own so that test classes sharing the broker never read each other's records.
 *
 * <p>For a {@link #prefix() prefix} {@code p} the test gets {@code spring.kafka.bootstrap-servers}
 * pointed at the embedded broker and:
 *
 * <ul>
 *   <li>topics {@code p.raw}, {@code p.pending}, {@code p.cached}, {@code p.results}, {@code
 *       p.retry.1} to {@code p.retry.4} and {@code p.dlq}, with {@link #partitions()} partitions;
 *   <li>consumer groups {@code p-event-ingester}, {@code p-download-worker}, {@code
 *       p-upload-worker}, {@code p-result-processor} and {@code p-result-processor-events}.
 * </ul>
 *
 * <p>Any of these can still be set in {@link #properties()}, which win. The context is closed after
 * the class, while the broker still runs, so that no listener outlives its test and the JVM exits
 * at once.
 *
 * @see PipelineTestNames
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public @interface PipelineIntegrationTest {

  /** Prefix of every topic and group name; the test class's simple name when empty. */
  String prefix() default "";

  /** Partitions of every topic ({@code pipeline.topics.partitions}). */
  int partitions() default 2;

  /** Further properties, as {@link SpringBootTest#properties()}; they win over the names above. */
  @AliasFor(annotation = SpringBootTest.class, attribute = "properties")
  String[] properties() default {};

  /** As {@link SpringBootTest#webEnvironment()}. */
  @AliasFor(annotation = SpringBootTest.class, attribute = "webEnvironment")
  WebEnvironment webEnvironment() default WebEnvironment.MOCK;

  /** As {@link SpringBootTest#classes()}. */
  @AliasFor(annotation = SpringBootTest.class, attribute = "classes")
  Class<?>[] classes() default {};
}
