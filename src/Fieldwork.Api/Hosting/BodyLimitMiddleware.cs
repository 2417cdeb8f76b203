namespace Fieldwork.Api.Hosting;

/// <summary>
/// Refuses request bodies over <c>Limits:MaxBodyBytes</c> (16 MB by default) with a 413 problem.
/// Enforced here rather than by Kestrel so that it holds behind any server and in the test host.
/// Runs after the access checks, so a stranger still gets the 404 that hides the evaluation.
/// </summary>
public sealed class BodyLimitMiddleware(RequestDelegate next, IConfiguration configuration)
{
    public const long DefaultMaxBodyBytes = 16L * 1024 * 1024;

    private readonly long limit = configuration.GetValue("Limits:MaxBodyBytes", DefaultMaxBodyBytes);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > limit)
        {
            await TooLarge(limit).ExecuteAsync(context);
            return;
        }

        context.Request.Body = new LimitedStream(context.Request.Body, limit);
        await next(context);
    }

    public static IResult TooLarge(long limit) =>
        TypedResults.Problem($"The request body is over the limit of {limit / (1024 * 1024)} MB.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");

    /// <summary>Counts what is read and stops a body without a Content-Length at the limit.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

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
