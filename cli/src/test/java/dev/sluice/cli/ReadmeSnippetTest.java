package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples compile as shown (issue 16): every {@code java} block that begins with
 * {@code import} is a whole source file, compiled against the modules' classes; and every artifact
 * the README names is a module of this build.
 */
class ReadmeSnippetTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("(?m)^(?:public )?class (\\w+)");

  @TempDir Path dir;

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"));
  }

  private static List<String> wholeSourceFiles(String markdown) {
    List<String> sources = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(markdown);
    while (block.find()) {
      if (block.group(1).startsWith("import ")) {
        sources.add(block.group(1));
      }
    }
    return sources;
  }

  /** What surefire puts on the tests' class path: every module and library the CLI uses. */
  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null ? surefire : System.getProperty("java.class.path");
  }

  @Test
  void everyWholeJavaExampleInTheReadmeCompiles() throws IOException {
    List<String> sources = wholeSourceFiles(readme());
    assertThat(sources).as("the library example").isNotEmpty();
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    for (String source : sources) {
      Matcher name = CLASS_NAME.matcher(source);
      assertThat(name.find()).as("a class in:%n%s", source).isTrue();
      Path file = Files.writeString(dir.resolve(name.group(1) + ".java"), source);
      StringWriter diagnostics = new StringWriter();
      PrintWriter report = new PrintWriter(diagnostics);
      int status =
          javac.run(
              report,
              report,
              "--release",
              "21",
              "-proc:none",
              "-Xlint:all",
              "-Werror",
              "-classpath",
              classPath(),
              "-d",
              dir.resolve("classes").toString(),
              file.toString());
      assertThat(status).as("javac on the README's %s:%n%s", name.group(1), diagnostics).isZero();
    }
  }

  @Test
  void everyArtifactTheReadmeNamesIsAModuleOfThisBuild() throws IOException {
    Matcher artifact =
        Pattern.compile("`(sluice-[a-z0-9]+)`|<artifactId>(sluice-[a-z0-9]+)<").matcher(readme());
    List<String> named = new ArrayList<>();
    while (artifact.find()) {
      named.add(artifact.group(1) != null ? artifact.group(1) : artifact.group(2));
    }
    assertThat(named).contains("sluice-core", "sluice-s3", "sluice-http");
    for (String id : named) {
      Path pom = ROOT.resolve(id.substring("sluice-".length())).resolve("pom.xml");
      assertThat(pom).as(id).exists();
      assertThat(Files.readString(pom)).as(id).contains("<artifactId>" + id + "</artifactId>");
    }
  }
}
