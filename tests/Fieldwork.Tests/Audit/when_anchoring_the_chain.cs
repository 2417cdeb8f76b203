using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fieldwork.Api.Verbs;
using Fieldwork.Integrity;
using Fieldwork.Tests.Infrastructure;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Fieldwork.Tests.Audit;

/// <summary>
/// An insider with write access to the database (but not to the checkpoint key) rewrites the log
/// in each of the ways the chain alone cannot stop; an auditor holding an earlier anchor or signed
/// checkpoint catches each, at its sequence. Every test puts the store back as it was.
/// </summary>
public sealed class when_anchoring_the_chain(AppFixture app) : ApiTest(app)
{
    private const string Events = "fieldwork.mt_events";
    private const string Links = "fieldwork." + EventChain.Table;

    private async Task WaitForTheChainAsync() =>
        await App.Host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

    /// <summary>A lead with an observation of their own, the observation's first event, and an anchor taken once the chain holds it.</summary>
    private async Task<(string Lead, long Target, long Sequence, string Head)> SetUp()
    {
        var lead = NewUser("lead");
        var evaluation = await CreateEvaluation(lead);
        var site = await EnrolSite(evaluation, lead, "GDE1", "exemplar", "2016-09-01");
        var observation = (await Post($"/api/evaluations/{evaluation}/observations", lead, new
        {
            occurredOn = "2018-03-05",
            siteIds = new[] { site },
            setting = "meeting",
            durationMinutes = 45,
            fieldNotes = "Board meeting notes.",
        })).ShouldBe(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        await WaitForTheChainAsync();
        var report = (await Get("/api/audit/verify", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("ok", report["status"]!.GetValue<string>());
        return (lead, (await App.EventsOfStreamAsync(observation))[0].Sequence, report["headSequence"]!.GetValue<long>(),
            report["head"]!.GetValue<string>());
    }

    private async Task<JsonNode> VerifyAsync(string user, long sequence, string head) =>
        (await Get($"/api/audit/verify?sequence={sequence}&head={head}", user)).ShouldBe(HttpStatusCode.OK).Json;

    private async Task<int> ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<(long Sequence, byte[] Hash)>> LinksFromAsync(long from)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select seq_id, hash from {Links} where seq_id >= {from} order by seq_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var links = new List<(long, byte[])>();
        while (await reader.ReadAsync())
        {
            links.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
        }

        return links;
    }

    private async Task PutBackAsync(List<(long Sequence, byte[] Hash)> links)
    {
        foreach (var (sequence, hash) in links)
        {
            await ExecuteAsync($"update {Links} set hash = $1 where seq_id = {sequence}", hash);
        }
    }

    /// <summary>
    /// What an attacker does after rewriting an event: the chain is unkeyed and its algorithm
    /// public, so they recompute every link from that event on and store them, and the chain is
    /// consistent again.
    /// </summary>
    private async Task RecomputeLikeAnAttackerAsync(long from)
    {
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        byte[] previous;
        await using (var before = new NpgsqlCommand($"select hash from {Links} where seq_id < {from} order by seq_id desc limit 1", connection))
        {
            previous = await before.ExecuteScalarAsync() as byte[] ?? EventChain.Genesis;
        }

        long? format2From;
        await using (var format = new NpgsqlCommand($"select from_seq from fieldwork.{EventChain.FormatTable} where format = 2", connection))
        {
            format2From = await format.ExecuteScalarAsync() as long?;
        }

        var links = new List<(long, byte[])>();
        await using (var rows = new NpgsqlCommand(
            $"select {EventChain.Columns("e")} from {Events} e where e.seq_id >= {from} and e.seq_id <= (select max(seq_id) from {Links}) order by e.seq_id",
            connection))
        await using (var reader = await rows.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = EventChain.Read(reader);
                previous = EventChain.Next(previous, row, EventChain.FormatAt(row.Sequence, format2From));
                links.Add((row.Sequence, previous));
            }
        }

        foreach (var (sequence, hash) in links)
        {
            await using var update = new NpgsqlCommand($"update {Links} set hash = $1 where seq_id = {sequence}", connection);
            update.Parameters.Add(new NpgsqlParameter { Value = hash });
            await update.ExecuteNonQueryAsync();
        }
    }

    private static async Task<JsonNode> VerbAsync(long sequence, string head, int expectedExit)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(expectedExit, await VerifyVerb.RunAsync(["verify", "--sequence", $"{sequence}", "--head", head], output, errors));
        return JsonNode.Parse(output.ToString())!;
    }

    [Fact]
    public async Task a_user_rewritten_through_sql_breaks_the_chain_at_that_event()
    {
        var (lead, target, sequence, head) = await SetUp();
        var user = await ScalarAsync<string>($"select user_name from {Events} where seq_id = {target}");
        var causation = await ScalarAsync<string>($"select causation_id from {Events} where seq_id = {target}");
        Assert.Equal(lead, user);
        try
        {
            Assert.Equal(1, await ExecuteAsync($"update {Events} set user_name = $1 where seq_id = {target}", NewUser("someone-else")));

            // Without an anchor: the link covers the user, so the event breaks the chain.
            var plain = (await Get("/api/audit/verify", lead)).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Equal("broken", plain["status"]!.GetValue<string>());
            Assert.Equal(target, plain["firstBrokenSequence"]!.GetValue<long>());

            var anchored = await VerifyAsync(lead, sequence, head);
            Assert.False(anchored["ok"]!.GetValue<bool>());
            Assert.False(anchored["anchorOk"]!.GetValue<bool>());
            Assert.Equal("rewritten", anchored["anchorBreak"]!.GetValue<string>());
            Assert.Equal(target, anchored["anchorBrokenSequence"]!.GetValue<long>());

            var verb = await VerbAsync(sequence, head, expectedExit: 1);
            Assert.Equal(target, verb["anchorBrokenSequence"]!.GetValue<long>());
            Assert.Equal("rewritten", verb["anchorBreak"]!.GetValue<string>());

            // A broken log gets no signed checkpoint.
            (await Get("/api/audit/checkpoint", lead)).ShouldBeProblem(HttpStatusCode.Conflict);

            // Causation and headers are covered the same way.
            await ExecuteAsync($"update {Events} set user_name = $1 where seq_id = {target}", lead);
            Assert.True((await VerifyAsync(lead, sequence, head))["anchorOk"]!.GetValue<bool>());
            await ExecuteAsync($"update {Events} set causation_id = 'GET /nowhere' where seq_id = {target}");
            Assert.Equal(target, (await Get("/api/audit/verify", lead)).Json["firstBrokenSequence"]!.GetValue<long>());
        }
        finally
        {
            await ExecuteAsync($"update {Events} set user_name = $1, causation_id = $2 where seq_id = {target}", user, causation);
        }

        var after = await VerifyAsync(lead, sequence, head);
        Assert.True(after["anchorOk"]!.GetValue<bool>(), after.ToJsonString());
        Assert.Null(after["firstBrokenSequence"]);
    }

    [Fact]
    public async Task data_rewritten_with_the_chain_recomputed_passes_verify_but_not_an_earlier_anchor()
    {
        var (lead, target, sequence, head) = await SetUp();
        var original = await ScalarAsync<string>($"select data::text from {Events} where seq_id = {target}");
        var links = await LinksFromAsync(target);
        try
        {
            Assert.Equal(1, await ExecuteAsync(
                $"update {Events} set data = jsonb_set(data, '{{durationMinutes}}', '450') where seq_id = {target}"));
            await RecomputeLikeAnAttackerAsync(target);

            // The chain alone is consistent again: this is what an unkeyed chain cannot stop.
            var plain = (await Get("/api/audit/verify", lead)).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Null(plain["firstBrokenSequence"]);
            Assert.NotEqual(head, plain["head"]!.GetValue<string>());

            // The anchor recorded before does.
            var anchored = await VerifyAsync(lead, sequence, head);
            Assert.Equal("broken", anchored["status"]!.GetValue<string>());
            Assert.False(anchored["anchorOk"]!.GetValue<bool>());
            Assert.Equal("recomputed", anchored["anchorBreak"]!.GetValue<string>());
            Assert.Equal(sequence, anchored["anchorBrokenSequence"]!.GetValue<long>());

            // An anchor from before the rewritten event still holds: the rewrite lies between the two.
            var earlier = (await LinksFromAsync(1)).Last(l => l.Sequence < target);
            Assert.True((await VerifyAsync(lead, earlier.Sequence, Convert.ToHexStringLower(earlier.Hash)))["anchorOk"]!.GetValue<bool>());

            var verb = await VerbAsync(sequence, head, expectedExit: 1);
            Assert.False(verb["anchorOk"]!.GetValue<bool>());
        }
        finally
        {
            await ExecuteAsync($"update {Events} set data = $1::jsonb where seq_id = {target}", original);
            await PutBackAsync(links);
        }

        Assert.True((await VerifyAsync(lead, sequence, head))["anchorOk"]!.GetValue<bool>());
    }

    [Fact]
    public async Task a_cut_tail_is_caught_by_an_anchor_beyond_it()
    {
        var (lead, target, sequence, head) = await SetUp();
        await using var connection = new NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        async Task Run(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        // Kept aside on this connection, to put back afterwards.
        await Run($"create temp table cut_events as select * from {Events} where seq_id >= {target}");
        await Run($"create temp table cut_links as select * from {Links} where seq_id >= {target}");
        var lastKept = await ScalarAsync<long>($"select max(seq_id) from {Events} where seq_id < {target}");
        try
        {
            await Run($"delete from {Links} where seq_id >= {target}; delete from {Events} where seq_id >= {target}");

            var plain = (await Get("/api/audit/verify", lead)).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Null(plain["firstBrokenSequence"]);
            Assert.Equal(lastKept, plain["headSequence"]!.GetValue<long>());

            var anchored = await VerifyAsync(lead, sequence, head);
            Assert.Equal("broken", anchored["status"]!.GetValue<string>());
            Assert.False(anchored["anchorOk"]!.GetValue<bool>());
            Assert.Equal("cut", anchored["anchorBreak"]!.GetValue<string>());
            Assert.Equal(lastKept + 1, anchored["anchorBrokenSequence"]!.GetValue<long>());

            var verb = await VerbAsync(sequence, head, expectedExit: 1);
            Assert.Equal("cut", verb["anchorBreak"]!.GetValue<string>());
        }
        finally
        {
            await Run($"insert into {Events} select * from cut_events on conflict do nothing");
            await Run($"insert into {Links} select * from cut_links on conflict do nothing");
        }

        Assert.True((await VerifyAsync(lead, sequence, head))["anchorOk"]!.GetValue<bool>());
    }

    [Fact]
    public async Task a_checkpoint_is_signed_by_a_key_outside_the_database_and_checks_offline()
    {
        var (lead, _, _, _) = await SetUp();
        var checkpoint = (await Get("/api/audit/checkpoint", lead)).ShouldBe(HttpStatusCode.OK).Json.Deserialize<Checkpoint>(JsonSerializerOptions.Web)!;
        var key = (await Get("/api/audit/checkpoint-key", lead)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("ES256", key["algorithm"]!.GetValue<string>());
        Assert.Equal(checkpoint.KeyId, key["keyId"]!.GetValue<string>());
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(key["pem"]!.GetValue<string>());
        Assert.Equal(checkpoint.KeyId, Checkpoints.KeyId(publicKey));

        Assert.True(Checkpoints.Verify(publicKey, checkpoint));
        Assert.False(Checkpoints.Verify(publicKey, checkpoint with { Sequence = checkpoint.Sequence + 1 }));
        Assert.False(Checkpoints.Verify(publicKey, checkpoint with { Head = new string('0', 64) }));
        Assert.False(Checkpoints.Verify(publicKey, checkpoint with { Time = checkpoint.Time.AddSeconds(1) }));
        var forged = Checkpoints.Message(checkpoint.Sequence, new string('0', 64), checkpoint.Time);
        Assert.False(Checkpoints.Verify(publicKey, checkpoint with { Head = new string('0', 64), Message = forged }));
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            Assert.False(Checkpoints.Verify(other, checkpoint));
        }

        // As docs/security.md tells an auditor: openssl, with the message, the signature and the public key.
        var folder = Directory.CreateTempSubdirectory("fieldwork-checkpoint-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "key.pem"), key["pem"]!.GetValue<string>());
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "message.txt"), checkpoint.Message);
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "signature.der"), Convert.FromBase64String(checkpoint.Signature));
            Assert.Equal(0, await OpenSslAsync(folder.FullName));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "message.txt"), forged);
            Assert.NotEqual(0, await OpenSslAsync(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        // The checkpoint is an anchor: the log passes through it.
        var anchored = await VerifyAsync(lead, checkpoint.Sequence, checkpoint.Head);
        Assert.True(anchored["anchorOk"]!.GetValue<bool>(), anchored.ToJsonString());
        Assert.Null(anchored["anchorBreak"]);
    }

    private static async Task<int> OpenSslAsync(string folder)
    {
        var start = new ProcessStartInfo("openssl", ["dgst", "-sha256", "-verify", "key.pem", "-signature", "signature.der", "message.txt"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    [Fact]
    public async Task a_bad_anchor_is_a_problem_naming_its_field()
    {
        var (lead, _, sequence, head) = await SetUp();
        var before = await App.TableCountsAsync();
        (await Get($"/api/audit/verify?sequence=abc&head={head}", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "sequence");
        (await Get($"/api/audit/verify?sequence={sequence}&head=xyz", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "head");
        (await Get($"/api/audit/verify?sequence={sequence}&head={head}00", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "head");
        (await Get($"/api/audit/verify?head={head}", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "sequence");
        (await Get($"/api/audit/verify?sequence={sequence}", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "head");
        (await Get($"/api/audit/verify?sequence=0&head={head}", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "sequence");
        (await Get($"/api/audit/verify?sequence=99999999999999&head={head}", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "sequence");
        (await Get($"/api/audit/verify?sequence={sequence}&head={head}&at=1", lead)).ShouldBeProblem(HttpStatusCode.BadRequest, "at");
        Assert.Equal(before, await App.TableCountsAsync());

        // Upper case hex is the same link.
        Assert.True((await VerifyAsync(lead, sequence, head.ToUpperInvariant()))["anchorOk"]!.GetValue<bool>());

        var errors = new StringWriter();
        Assert.Equal(2, await VerifyVerb.RunAsync(["verify", "--sequence", "abc", "--head", head], TextWriter.Null, errors));
        Assert.Contains("sequence", errors.ToString(), StringComparison.Ordinal);
        errors = new StringWriter();
        Assert.Equal(2, await VerifyVerb.RunAsync(["verify", "--head", head], TextWriter.Null, errors));
        Assert.Contains("sequence", errors.ToString(), StringComparison.Ordinal);
        errors = new StringWriter();
        Assert.Equal(2, await VerifyVerb.RunAsync(["verify", "--sequence", "99999999999999", "--head", head], TextWriter.Null, errors));
        Assert.Contains("no sequence beyond", errors.ToString(), StringComparison.Ordinal);
    }
}
