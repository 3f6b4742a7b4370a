// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QUIC_SOCKOPT_STREAM_PEELOFF (draft-lxin-quic-socket-apis-02 section
 * 6.1): one stream of a connection gets a socket of its own, read and
 * written with plain send()/recv()/read()/write() and no stream cmsg,
 * like a TCP socket. The stream stays in its connection (flow control,
 * packets, state); only where its data is read and written from moves.
 *
 * The peeled-off socket holds a reference on the file of the connection's
 * socket, as dup() would: the connection lives until both are closed, so
 * its wait queue, which readers and writers of either sleep on, stays.
 * Received data of the stream is queued on the peeled socket, charged to
 * the connection's socket; everything is serialised by the connection's
 * socket lock.
 */

#include <linux/file.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <net/sock.h>

#include "output.h"
#include "socket.h"

/**
 * struct quic_peel - a peeled-off stream's socket
 * @sk: its socket, must be first; its receive queue holds the stream's data
 * @parent: the connection's socket
 * @parent_file: the file of @parent's socket, held
 * @id: the stream
 * @can_send: the stream has a sending part
 * @attached: @parent's stream points at us (undone by the release)
 * @recv_done: the stream's end was read, or reading was shut down
 * @send_done: the stream's end was sent, or sending was shut down
 * @reset: the peer reset the stream
 */
struct quic_peel {
	struct sock	sk;
	struct sock	*parent;
	struct file	*parent_file;
	s64		id;
	bool		can_send;
	bool		attached;
	bool		recv_done;
	bool		send_done;
	bool		reset;
};

static struct quic_peel *quic_peel(const struct sock *sk)
{
	return (struct quic_peel *)sk;
}

static struct proto quic_peel_prot = {
	.name		= "QUIC-STREAM",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct quic_peel),
};

/**
 * quic_peel_queue_rcv - queue stream data on its peeled-off socket
 * @sk: the connection's socket, locked
 * @skb: stream data, charged to @sk
 *
 * Return: true if the stream is peeled off and took @skb.
 */
bool quic_peel_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct quic_stream *st;

	st = quic_stream_find(&quic_sk(sk)->conn.streams,
			      quic_rbuf_cb(skb)->stream_id);
	if (!st || !st->peel)
		return false;
	/* Reading was shut down: dropped, and counted as read. */
	if (quic_peel(st->peel)->recv_done) {
		quic_recv_credit(sk, st, skb->len);
		kfree_skb(skb);
		return true;
	}
	__skb_queue_tail(&st->peel->sk_receive_queue, skb);
	/* Readers of the stream sleep on the connection's wait queue. */
	sk->sk_data_ready(sk);
	return true;
}

/**
 * quic_peel_purge - the peer reset a stream (RFC 9000 section 3.2)
 * @sk: the connection's socket, locked
 * @id: the stream
 *
 * Its unread data goes, and its reader learns of the reset.
 */
void quic_peel_purge(struct sock *sk, s64 id)
{
	struct quic_stream *st = quic_stream_find(&quic_sk(sk)->conn.streams, id);

	if (!st || !st->peel)
		return;
	skb_queue_purge(&st->peel->sk_receive_queue);
	WRITE_ONCE(quic_peel(st->peel)->reset, true);
	sk->sk_data_ready(sk);
}

/* The stream's FIN, unless its sending part already ended or was reset. */
static void quic_peel_end_send(struct quic_conn *c, struct quic_stream *st)
{
	if (!st || !st->can_send || st->send.fin ||
	    st->send_state == QUIC_STREAM_SEND_STATE_RESET_SENT ||
	    st->send_state == QUIC_STREAM_SEND_STATE_RESET_RECVD)
		return;
	st->send.fin = true;
	quic_stream_queue(&c->streams, st);
}

/* STOP_SENDING (code 0) for a receiving part still receiving. */
static void quic_peel_stop_recv(struct quic_conn *c, struct quic_stream *st)
{
	if (!st || !st->can_recv ||
	    st->recv_state != QUIC_STREAM_RECV_STATE_RECV)
		return;
	st->stop_code = 0;
	st->stop_pending = true;
	quic_stream_queue(&c->streams, st);
}

/* SHUT_RD: the stream's unread data is dropped, and counts as read for
 * flow control (RFC 9000 section 4.5 has the peer's reset do the same).
 */
static void quic_peel_drop(struct sock *sk, struct quic_peel *p,
			   struct quic_stream *st)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct sk_buff *skb;
	bool fin = false;

	while ((skb = __skb_dequeue(&p->sk.sk_receive_queue))) {
		fin |= quic_rbuf_cb(skb)->fin;
		if (st)
			quic_recv_credit(sk, st, skb->len);
		kfree_skb(skb);
	}
	if (fin && st) {
		st->recv_state = QUIC_STREAM_RECV_STATE_READ;
		quic_sock_uncharge(sk, quic_stream_maybe_free(&c->streams, st));
	}
}

/* Give the stream back to the connection: what was not read yet returns
 * to its receive queue (readable there with the stream cmsg), and, as the
 * draft asks of close(), a sending part not ended gets its FIN and a
 * receiving part still receiving gets STOP_SENDING (code 0).
 */
static void quic_peel_detach(struct sock *sk, struct quic_peel *p)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_stream *st = quic_stream_find(&c->streams, p->id);

	p->attached = false;
	c->peels--;
	if (!st || st->peel != &p->sk) {
		skb_queue_purge(&p->sk.sk_receive_queue);
		return;
	}
	st->peel = NULL;
	if (!skb_queue_empty(&p->sk.sk_receive_queue)) {
		skb_queue_splice_tail_init(&p->sk.sk_receive_queue,
					   &sk->sk_receive_queue);
		sk->sk_data_ready(sk);
	}
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return;
	quic_peel_end_send(c, st);
	if (!p->recv_done)
		quic_peel_stop_recv(c, st);
	quic_xmit(sk);
}

static int quic_peel_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct quic_peel *p;

	if (!sk)
		return 0;
	p = quic_peel(sk);
	if (p->attached) {
		lock_sock(p->parent);
		quic_peel_detach(p->parent, p);
		release_sock(p->parent);
	}
	skb_queue_purge(&sk->sk_receive_queue);
	fput(p->parent_file);
	sock_orphan(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/* Something for a reader: 1, or 0 at the end, or a negative errno. */
static int quic_peel_readable(struct sock *sk, struct quic_peel *p)
{
	struct quic_stream *st;

	if (!skb_queue_empty(&p->sk.sk_receive_queue))
		return 1;
	if (p->reset)
		return -ECONNRESET;
	if (p->recv_done)
		return 0;
	if (sk->sk_err)
		return -sk->sk_err;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return 0;
	st = quic_stream_find(&quic_sk(sk)->conn.streams, p->id);
	/* Gone, or never had a receiving part: nothing will come. */
	if (!st || !st->can_recv ||
	    st->recv_state == QUIC_STREAM_RECV_STATE_READ)
		return 0;
	/* Peeled off after the peer's reset. */
	if (st->recv_state == QUIC_STREAM_RECV_STATE_RESET_RECVD ||
	    st->recv_state == QUIC_STREAM_RECV_STATE_RESET_READ)
		return -ECONNRESET;
	return -EAGAIN;
}

static bool quic_peel_can_read(struct sock *sk, struct quic_peel *p)
{
	return quic_peel_readable(sk, p) != -EAGAIN;
}

static int quic_peel_recvmsg(struct socket *sock, struct msghdr *msg,
			     size_t len, int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct quic_peel *p = quic_peel(sock->sk);
	struct sock *sk = p->parent;
	struct sk_buff *skb;
	long timeo;
	bool fin;
	int err;

	if (flags & (MSG_OOB | MSG_ERRQUEUE))
		return -EOPNOTSUPP;
	lock_sock(sk);
	timeo = sock_rcvtimeo(sock->sk, flags & MSG_DONTWAIT);
	for (;;) {
		err = quic_peel_readable(sk, p);
		if (err != -EAGAIN)
			break;
		if (!timeo)
			goto out;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, &timeo, quic_peel_can_read(sk, p), &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	if (err <= 0)
		goto out;
	skb = skb_peek(&p->sk.sk_receive_queue);
	err = quic_recv_stream_queue(sk, &p->sk.sk_receive_queue, msg, len,
				     skb, flags, &fin);
	if (fin)
		WRITE_ONCE(p->recv_done, true);
out:
	release_sock(sk);
	return err;
}

static int quic_peel_sendmsg(struct socket *sock, struct msghdr *msg,
			     size_t len)
{
	struct quic_peel *p = quic_peel(sock->sk);
	struct sock *sk = p->parent;
	long timeo;
	int err;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	err = -EPIPE;
	if (p->send_done)
		goto out;
	timeo = sock_sndtimeo(sock->sk, msg->msg_flags & MSG_DONTWAIT);
	/* MSG_EOR ends the stream with this data, as MSG_STREAM_FIN. */
	err = quic_stream_sendmsg(sk, msg, len, p->id,
				  msg->msg_flags & MSG_EOR ? MSG_STREAM_FIN : 0,
				  timeo);
	/* Only a write that took all of it carried the FIN. */
	if (err == (int)len && (msg->msg_flags & MSG_EOR))
		WRITE_ONCE(p->send_done, true);
out:
	release_sock(sk);
	if (err == -EPIPE && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return err;
}

/* SHUT_WR sends the stream's FIN, SHUT_RD asks the peer to stop sending
 * (STOP_SENDING, code 0); the connection carries on.
 */
static int quic_peel_shutdown(struct socket *sock, int how)
{
	struct quic_peel *p = quic_peel(sock->sk);
	struct sock *sk = p->parent;
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_stream *st;
	int err = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	how++;
	lock_sock(sk);
	if (sk->sk_state != QUIC_SS_ESTABLISHED) {
		err = -ENOTCONN;
		goto out;
	}
	st = quic_stream_find(&c->streams, p->id);
	if ((how & SEND_SHUTDOWN) && !p->send_done) {
		WRITE_ONCE(p->send_done, true);
		quic_peel_end_send(c, st);
	}
	if ((how & RCV_SHUTDOWN) && !p->recv_done) {
		WRITE_ONCE(p->recv_done, true);
		quic_peel_stop_recv(c, st);
		quic_peel_drop(sk, p, st);
	}
	quic_xmit(sk);
	sk->sk_state_change(sk);
out:
	release_sock(sk);
	return err;
}

static __poll_t quic_peel_poll(struct file *file, struct socket *sock,
			       poll_table *wait)
{
	struct quic_peel *p = quic_peel(sock->sk);
	struct sock *sk = p->parent;
	u8 state = inet_sk_state_load(sk);
	__poll_t mask = 0;

	poll_wait(file, sk_sleep(sk), wait);
	if (READ_ONCE(sk->sk_err) || READ_ONCE(p->reset))
		mask |= EPOLLERR;
	if (state == QUIC_SS_CLOSING || state == QUIC_SS_CLOSED)
		mask |= EPOLLHUP | EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (!skb_queue_empty_lockless(&p->sk.sk_receive_queue) ||
	    READ_ONCE(p->recv_done) || READ_ONCE(p->reset))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (state == QUIC_SS_ESTABLISHED && p->can_send &&
	    !READ_ONCE(p->send_done) && quic_sock_writable(sk))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/* The connection's addresses. */
static int quic_peel_getname(struct socket *sock, struct sockaddr *uaddr,
			     int peer)
{
	struct socket *parent = quic_peel(sock->sk)->parent->sk_socket;

	return parent->ops->getname(parent, uaddr, peer);
}

static int quic_peel_ioctl(struct socket *sock, unsigned int cmd,
			   unsigned long arg)
{
	return -ENOIOCTLCMD;
}

static int quic_peel_setsockopt(struct socket *sock, int level, int optname,
				sockptr_t optval, unsigned int optlen)
{
	return -EOPNOTSUPP;
}

static int quic_peel_getsockopt(struct socket *sock, int level, int optname,
				char __user *optval, int __user *optlen)
{
	return -EOPNOTSUPP;
}

static const struct proto_ops quic_peel_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= quic_peel_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= quic_peel_getname,
	.poll		= quic_peel_poll,
	.ioctl		= quic_peel_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= quic_peel_shutdown,
	.setsockopt	= quic_peel_setsockopt,
	.getsockopt	= quic_peel_getsockopt,
	.sendmsg	= quic_peel_sendmsg,
	.recvmsg	= quic_peel_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= sock_no_sendpage,
};

/* A socket for stream @st of @parent, not attached to it yet. */
static struct socket *quic_peel_alloc(struct sock *parent,
				      struct quic_stream *st)
{
	struct socket *sock;
	struct quic_peel *p;
	struct sock *sk;
	int err;

	err = sock_create_lite(parent->sk_family, SOCK_DGRAM, IPPROTO_QUIC,
			       &sock);
	if (err)
		return ERR_PTR(err);
	sk = sk_alloc(sock_net(parent), parent->sk_family, GFP_KERNEL,
		      &quic_peel_prot, 0);
	if (!sk) {
		sock_release(sock);
		return ERR_PTR(-ENOMEM);
	}
	sock_init_data(sock, sk);
	p = quic_peel(sk);
	p->parent = parent;
	p->parent_file = get_file(parent->sk_socket->file);
	p->id = st->id;
	p->can_send = st->can_send;
	/* sock_release() puts the module of the ops. */
	__module_get(THIS_MODULE);
	sock->ops = &quic_peel_ops;
	sock->state = SS_CONNECTED;
	return sock;
}

/**
 * quic_peel_stream - QUIC_SOCKOPT_STREAM_PEELOFF
 * @sk: the connection's socket, locked
 * @len: the option's length
 * @optval: &struct quic_stream_peeloff: stream_id and flags in, sd out
 * @optlen: the option's length, out
 *
 * The stream must exist (opened by either side) and not be peeled off
 * already; flags take %O_CLOEXEC and %O_NONBLOCK for the new descriptor.
 * Data of the stream not read yet moves to the new socket.
 *
 * Return: the new descriptor (also in sd), or a negative errno.
 */
int quic_peel_stream(struct sock *sk, int len, char __user *optval,
		     int __user *optlen)
{
	struct quic_conn *c = &quic_sk(sk)->conn;
	struct quic_stream_peeloff pi;
	struct sk_buff *skb, *tmp;
	struct quic_stream *st;
	struct socket *sock;
	struct file *file;
	int fd;

	if ((unsigned int)len < sizeof(pi))
		return -EINVAL;
	if (copy_from_user(&pi, optval, sizeof(pi)))
		return -EFAULT;
	if (pi.flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return -ENOTCONN;
	if (!sk->sk_socket || !sk->sk_socket->file)
		return -EOPNOTSUPP;	/* a kernel socket has no file */
	st = quic_stream_find(&c->streams, pi.stream_id);
	if (!st)
		return -ENOENT;
	if (st->peel)
		return -EBUSY;
	sock = quic_peel_alloc(sk, st);
	if (IS_ERR(sock))
		return PTR_ERR(sock);
	fd = get_unused_fd_flags(pi.flags & O_CLOEXEC);
	if (fd < 0) {
		sock_release(sock);
		return fd;
	}
	file = sock_alloc_file(sock, pi.flags & O_NONBLOCK, NULL);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	st->peel = sock->sk;
	c->peels++;
	quic_peel(sock->sk)->attached = true;
	skb_queue_walk_safe(&sk->sk_receive_queue, skb, tmp) {
		if (quic_rbuf_cb(skb)->event || quic_rbuf_cb(skb)->datagram ||
		    quic_rbuf_cb(skb)->stream_id != st->id)
			continue;
		__skb_unlink(skb, &sk->sk_receive_queue);
		__skb_queue_tail(&sock->sk->sk_receive_queue, skb);
	}
	pi.sd = fd;
	if (put_user(sizeof(pi), optlen) ||
	    copy_to_user(optval, &pi, sizeof(pi))) {
		/* The release, after this call, gives the stream back. */
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;
}
