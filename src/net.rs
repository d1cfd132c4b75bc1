//! Address ranges for `pinprotect serve --allow`. Pure.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::policy::ParseError;

/// An address range: `127.0.0.0/8`, `::1/128`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// The loopback ranges, the default of `--allow`.
    pub fn loopback() -> Vec<Cidr> {
        vec![
            "127.0.0.0/8".parse().expect("valid"),
            "::1/128".parse().expect("valid"),
        ]
    }

    /// Whether `ip` is in the range; an IPv4 address mapped into IPv6
    /// (`::ffff:127.0.0.1`) counts as the IPv4 address.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            ParseError(format!(
                "invalid address range '{}': use an address or ADDRESS/BITS, such as 127.0.0.0/8 or ::1",
                crate::text::shown(s)
            ))
        };
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|&p| p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges() {
        let lo: Cidr = "127.0.0.0/8".parse().unwrap();
        assert!(lo.contains(ip("127.0.0.1")));
        assert!(lo.contains(ip("127.255.0.9")));
        assert!(lo.contains(ip("::ffff:127.0.0.1")));
        assert!(!lo.contains(ip("128.0.0.1")));
        assert!(!lo.contains(ip("::1")));
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")));
        assert!(!one.contains(ip("192.0.2.8")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(Cidr::loopback().iter().any(|c| c.contains(ip("::1"))));
        for bad in [
            "",
            "127.0.0.1/33",
            "::1/129",
            "localhost",
            "10.0.0.0/x",
            "1.2.3/8",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        assert_eq!(lo.to_string(), "127.0.0.0/8");
    }
}

/// A `--listen` address: `ADDRESS:PORT` or `NAME:PORT` (`localhost:4573`),
/// with the addresses it stands for, looked up once when it is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenAddr {
    /// As given.
    pub text: String,
    /// What it resolves to: one address, or each address of a name.
    pub addrs: Vec<std::net::SocketAddr>,
}

impl FromStr for ListenAddr {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        use std::net::ToSocketAddrs;
        let bad = |why: String| {
            ParseError(format!(
                "'{}' is not an address to listen on ({why}); give ADDRESS:PORT or NAME:PORT, such as 127.0.0.1:4573, [::1]:4573 or localhost:4573",
                crate::text::shown(s)
            ))
        };
        if let Ok(addr) = s.parse::<std::net::SocketAddr>() {
            return Ok(ListenAddr {
                text: s.to_owned(),
                addrs: vec![addr],
            });
        }
        let Some((host, port)) = s.rsplit_once(':') else {
            return Err(bad("no port".into()));
        };
        if host.is_empty() || port.parse::<u16>().is_err() {
            return Err(bad("no host, or a port that is not 0 to 65535".into()));
        }
        let mut addrs: Vec<std::net::SocketAddr> = s
            .to_socket_addrs()
            .map_err(|e| bad(format!("{e}")))?
            .collect();
        addrs.dedup();
        if addrs.is_empty() {
            return Err(bad("the name has no address".into()));
        }
        Ok(ListenAddr {
            text: s.to_owned(),
            addrs,
        })
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod listen_tests {
    use super::*;

    #[test]
    fn listen_addresses_take_names_and_numbers() {
        let a: ListenAddr = "127.0.0.1:4573".parse().unwrap();
        assert_eq!(a.addrs, ["127.0.0.1:4573".parse().unwrap()]);
        let a: ListenAddr = "[::1]:4573".parse().unwrap();
        assert_eq!(a.addrs, ["[::1]:4573".parse().unwrap()]);
        // localhost is in every /etc/hosts.
        let a: ListenAddr = "localhost:4573".parse().unwrap();
        assert!(
            a.addrs
                .iter()
                .all(|x| x.ip().is_loopback() && x.port() == 4573),
            "{a:?}"
        );
        assert!(
            a.addrs.contains(&"127.0.0.1:4573".parse().unwrap()),
            "{a:?}"
        );
        for bad in [
            "localhost",
            "localhost:",
            ":4573",
            "localhost:65536",
            "no-such-host.invalid:1",
        ] {
            assert!(bad.parse::<ListenAddr>().is_err(), "{bad}");
        }
    }
}
