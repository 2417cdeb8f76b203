using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Fieldwork.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of the test database, which a test can cut (every open
/// connection dropped, new ones refused) and restore: a database outage without stopping the
/// database the rest of the suite uses.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly ConcurrentDictionary<Socket, byte> open = new();
    private TcpListener? listener;
    private CancellationTokenSource accepting = new();

    public TcpProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public int Port { get; }

    /// <summary>Drops every connection through the proxy and refuses new ones.</summary>
    public void Cut()
    {
        accepting.Cancel(); // before the listener stops, so a connection being accepted is dropped below
        listener?.Stop();
        listener = null;
        foreach (var socket in open.Keys)
        {
            Close(socket);
        }
    }

    /// <summary>Accepts connections again, on the same port.</summary>
    public void Restore()
    {
        accepting.Dispose();
        accepting = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _ = AcceptAsync(listener, accepting.Token);
    }

    private async Task AcceptAsync(TcpListener from, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await from.AcceptSocketAsync(cancellation);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(targetHost, targetPort, cancellation);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                Close(client);
                Close(server);
                continue;
            }

            open[client] = 0;
            open[server] = 0;
            if (cancellation.IsCancellationRequested)
            {
                // Cut while this one was being connected: it goes the way of the others.
                Close(client);
                Close(server);
                return;
            }

            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Close(from);
            Close(to);
        }
    }

    private void Close(Socket socket)
    {
        open.TryRemove(socket, out _);
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        accepting.Dispose();
        return ValueTask.CompletedTask;
    }
}
