package dev.fanout.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/// Builds the gateway's configuration from its layers, highest priority first: command-line
/// flags, environment variables, the `--config` YAML file, the bundled `application.yaml`.
///
/// Environment variables follow the SPEC's convention (`FANOUT_LIMITS_MAX_UPLOAD_BYTES` for
/// `fanout.limits.max-upload-bytes`), which Helidon's own mapping does not (it wants `_dash_`):
/// every key that a YAML layer defines is looked up under that name. A key that no YAML layer
/// defines cannot be set from the environment (its name would be ambiguous).
public final class FanoutConfig {
    private FanoutConfig() {
    }

    /// Loads the layers. `flags` maps full keys (`server.port`) to values.
    ///
    /// @throws IllegalArgumentException when the config file does not exist
    public static Config load(Optional<Path> file, Map<String, String> flags, Map<String, String> environment) {
        List<ConfigSource> yaml = new ArrayList<>();
        file.ifPresent(path -> {
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("config file " + path + " does not exist");
            }
            yaml.add(ConfigSources.file(path).build());
        });
        yaml.add(ConfigSources.classpath("application.yaml").build());
        Config files = build(yaml);
        Map<String, String> fromEnvironment = new HashMap<>();
        files.traverse().filter(Config::isLeaf).forEach(node -> {
            String key = node.key().toString();
            String value = environment.get(environmentName(key));
            if (value != null) {
                fromEnvironment.put(key, value);
            }
        });
        List<ConfigSource> all = new ArrayList<>();
        all.add(ConfigSources.create(flags).build());
        all.add(ConfigSources.create(fromEnvironment).build());
        all.addAll(yaml);
        return build(all);
    }

    /// The environment variable for a key: upper case, `.` and `-` become `_`.
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Config build(List<ConfigSource> sources) {
        var builder = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .disableParserServices()
                .addParser(io.helidon.config.yaml.YamlConfigParser.create());
        sources.forEach(builder::addSource);
        return builder.build();
    }
}
