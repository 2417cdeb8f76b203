using Fieldwork.Web.Api;
using Fieldwork.Web.Components.Pages;
using Fieldwork.Web.Components.Shared;

namespace Fieldwork.Tests.Web.Components;

public sealed class when_showing_coded_text
{
    private static SpanMark Mark(int start, int end, string code = "Workarounds") => new(Guid.NewGuid(), start, end, Guid.NewGuid(), code, "demo-analyst");

    [Fact]
    public void overlapping_codings_cut_the_text_into_stretches_each_covered_by_the_same_codings()
    {
        var (a, b) = (Mark(0, 10), Mark(5, 15, "Champions"));
        var segments = TextSpans.Segments("0123456789abcdefghij", [a, b]);
        Assert.Equal(["01234", "56789", "abcde", "fghij"], segments.Select(s => "0123456789abcdefghij"[s.From..s.To]));
        Assert.Equal([[a], [a, b], [b], []], segments.Select(s => s.Marks.ToArray()));
    }

    [Fact]
    public void offsets_count_code_points_so_an_emoji_is_one_and_a_span_after_it_lands_on_the_right_words()
    {
        var text = "Go 🚀 live now";
        // "live" is code points 5..9 (the rocket is one), UTF-16 units 6..10.
        var segments = TextSpans.Segments(text, [Mark(5, 9)]);
        var coded = Assert.Single(segments, s => s.Marks.Count == 1);
        Assert.Equal("live", text[coded.From..coded.To]);
        Assert.Equal(text, string.Concat(segments.Select(s => text[s.From..s.To])));
    }

    [Fact]
    public void a_coding_past_the_end_of_the_text_is_left_out_rather_than_drawn_wrong()
    {
        var segments = TextSpans.Segments("short", [Mark(2, 99)]);
        Assert.All(segments, s => Assert.Empty(s.Marks));
    }

    [Theory]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://*:8081", "http://127.0.0.1:8081/")]
    [InlineData("http://0.0.0.0:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://[::]:5080", "http://[::1]:5080/")]
    [InlineData("http://localhost:5080", "http://localhost:5080/")]
    [InlineData("http://127.0.0.1:41234", "http://127.0.0.1:41234/")]
    public void the_ui_calls_the_api_at_the_hosts_own_address_over_loopback(string listening, string called) =>
        Assert.Equal(called, ApiAddress.Loopback(listening).ToString());

    [Fact]
    public void the_signed_in_user_is_read_from_the_tokens_configured_claim_and_a_non_jwt_names_nobody()
    {
        var payload = Convert.ToBase64String("{\"sub\":\"demo-analyst\",\"oid\":\"x-1\"}"u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = $"eyJhbGciOiJIUzI1NiJ9.{payload}.sig";
        Assert.Equal("demo-analyst", UserSession.UserIdOf(token, "sub"));
        Assert.Equal("x-1", UserSession.UserIdOf(token, "oid"));
        Assert.Null(UserSession.UserIdOf("not-a-token", "sub"));
        Assert.Null(UserSession.UserIdOf("a.b%%.c", "sub"));
    }

    [Fact]
    public void the_heat_map_shades_on_a_square_root_scale_with_empty_cells_blank()
    {
        Assert.Equal(0, Matrix.HeatOf(0, 100));
        Assert.Equal(1, Matrix.HeatOf(1, 100));
        Assert.Equal(4, Matrix.HeatOf(25, 100));
        Assert.Equal(7, Matrix.HeatOf(100, 100));
    }
}
