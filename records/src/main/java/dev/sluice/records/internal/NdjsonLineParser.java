package dev.sluice.records.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.records.RecordLimits;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Parses one NDJSON line (a JSON object) with Jackson's streaming parser and reports its fields as
 * text: strings as they are, numbers and booleans as their JSON literal, {@code null} as null,
 * nested objects and arrays as their JSON text.
 */
public final class NdjsonLineParser {

  /** Told of each field of the object, in order. */
  public interface FieldListener {
    void field(String name, String value) throws IOException;
  }

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final RecordLimits limits;

  public NdjsonLineParser(RecordLimits limits) {
    this.limits = limits;
  }

  /**
   * Parses a line; returns false (reporting nothing) if it is blank.
   *
   * @throws InvalidInputException naming the line and byte offset if it is not one JSON object
   */
  public boolean parse(
      byte[] bytes, int from, int length, long line, long offset, FieldListener fields)
      throws IOException {
    if (isBlank(bytes, from, length)) {
      return false;
    }
    try (JsonParser parser = JSON.createParser(bytes, from, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw invalid(line, offset, "expected a JSON object, found " + describe(parser));
      }
      int count = 0;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        if (++count > limits.maxColumns()) {
          throw new LimitExceededException(
              "NDJSON key count at line " + line + " (byte " + offset + ")", limits.maxColumns());
        }
        String value = value(parser, parser.nextToken());
        if (value != null && value.length() > limits.maxFieldSize()) {
          throw new LimitExceededException(
              "NDJSON value of '" + name + "' at line " + line + " (byte " + offset + ")",
              limits.maxFieldSize());
        }
        fields.field(name, value);
      }
      if (token != JsonToken.END_OBJECT) {
        throw invalid(line, offset, "the object is not closed");
      }
      if (parser.nextToken() != null) {
        throw invalid(
            line,
            offset + parser.currentTokenLocation().getByteOffset(),
            "more than one JSON value on the line");
      }
      return true;
    } catch (JsonProcessingException e) {
      long at = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getByteOffset());
      throw new InvalidInputException(
          "NDJSON line " + line + ", byte " + (offset + at) + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_NULL -> null;
      case START_OBJECT, START_ARRAY -> {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(text)) {
          generator.copyCurrentStructure(parser);
        }
        yield text.toString();
      }
      default -> parser.getText();
    };
  }

  private static String describe(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    return token == null ? "nothing" : parser.getText();
  }

  private static boolean isBlank(byte[] bytes, int from, int length) {
    for (int i = from; i < from + length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static InvalidInputException invalid(long line, long at, String rule) {
    return new InvalidInputException("NDJSON line " + line + ", byte " + at + ": " + rule);
  }
}
