namespace Fieldwork.Api.Hosting;

/// <summary>
/// Refuses request bodies over <c>Limits:MaxBodyBytes</c> (16 MB by default; REFI-QDA imports
/// <c>Limits:MaxImportBytes</c>, 200 MB) with a 413 problem.
/// Enforced here rather than by Kestrel so that it holds behind any server and in the test host.
/// Also refuses a JSON body that begins with a byte order mark (400): RFC 8259 forbids sending
/// one, System.Text.Json would skip it silently, and the API refuses what it would otherwise
/// have to fix. Runs after the access checks, so a stranger still gets the 404 that hides the evaluation.
/// </summary>
public sealed class BodyLimitMiddleware(RequestDelegate next, IConfiguration configuration)
{
    public const long DefaultMaxBodyBytes = 16L * 1024 * 1024;

    /// <summary>A REFI-QDA project brings a whole study's sources at once: its own, larger limit (<c>Limits:MaxImportBytes</c>).</summary>
    public const long DefaultMaxImportBytes = 200L * 1024 * 1024;

    private readonly long bodies = configuration.GetValue("Limits:MaxBodyBytes", DefaultMaxBodyBytes);

    private readonly long imports = configuration.GetValue("Limits:MaxImportBytes", DefaultMaxImportBytes);

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = context.Request.Path.Value is { } path && path.Contains("/imports/", StringComparison.Ordinal) ? imports : bodies;
        if (context.Request.ContentLength > limit)
        {
            await TooLarge(limit).ExecuteAsync(context);
            return;
        }

        var body = new LimitedStream(context.Request.Body, limit);
        context.Request.Body = body;
        if (context.Request.HasJsonContentType() && (await body.PeekAsync(3, context.RequestAborted)).Span is [0xEF, 0xBB, 0xBF])
        {
            await ProblemResults.Invalid(new Dictionary<string, string[]>
            {
                ["body"] = ["The body begins with a byte order mark (U+FEFF): send the JSON without one (RFC 8259, section 8.1)."],
            }).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    public static IResult TooLarge(long limit) =>
        TypedResults.Problem($"The request body is over the limit of {limit / (1024 * 1024)} MB.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");

    /// <summary>Counts what is read and stops a body without a Content-Length at the limit; can read its first bytes ahead.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long read;
        private byte[] peeked = [];
        private int served;

        /// <summary>Reads up to <paramref name="count"/> bytes ahead; the reads that follow return them first.</summary>
        public async Task<ReadOnlyMemory<byte>> PeekAsync(int count, CancellationToken cancellationToken)
        {
            var buffer = new byte[count];
            var got = Count(await inner.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, cancellationToken));
            (peeked, served) = (buffer[..got], 0);
            return peeked;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            Serve(buffer.AsSpan(offset, count)) is var n && n > 0 ? n : Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Serve(buffer.Span) is var n && n > 0 ? n : Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        /// <summary>Copies what was read ahead and not yet returned.</summary>
        private int Serve(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, peeked.Length - served);
            peeked.AsSpan(served, n).CopyTo(buffer);
            served += n;
            return n;
        }

        private int Count(int bytes)
        {
            read += bytes;
            return read > limit
                ? throw new BadHttpRequestException($"The request body is over the limit of {limit / (1024 * 1024)} MB.",
                    StatusCodes.Status413PayloadTooLarge)
                : bytes;
        }
    }
}
