package org.gse.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.List;
import org.gse.decode.DecodeException;
import org.gse.decode.Sticker;

/** One row of {@code gse inspect} output; the JSON field names are part of the command's contract. */
@JsonPropertyOrder({"file", "format", "width", "height", "frames", "duration_ms", "animated", "has_alpha",
        "warnings", "error"})
record InspectResult(
        @JsonProperty("file") String file,
        @JsonProperty("format") String format,
        @JsonProperty("width") Integer width,
        @JsonProperty("height") Integer height,
        @JsonProperty("frames") Integer frames,
        @JsonProperty("duration_ms") Long durationMs,
        @JsonProperty("animated") Boolean animated,
        @JsonProperty("has_alpha") Boolean hasAlpha,
        @JsonProperty("warnings") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings,
        @JsonProperty("error") @JsonInclude(JsonInclude.Include.ALWAYS) String error) {

    static InspectResult of(Sticker sticker) {
        return new InspectResult(sticker.source().toString(), sticker.format().id(), sticker.width(),
                sticker.height(), sticker.frames().size(), sticker.durationMs(), sticker.animated(),
                sticker.hasAlpha(), sticker.warnings(), null);
    }

    static InspectResult failed(Path file, DecodeException e) {
        return new InspectResult(file.toString(), e.format() == null ? null : e.format().id(), null, null, null,
                null, null, null, List.of(), e.reason());
    }
}
