/* The ns16550a UART (QEMU virt's serial, the DTB's "ns16550a" node):
 * registers one byte apart, the receive and transmit FIFOs 16 bytes deep.
 * Register facts: National Semiconductor PC16550D data sheet. */
#ifndef CONSOLE_UART_H
#define CONSOLE_UART_H

#include <stdint.h>

#define UART_RBR 0 /* read: receive buffer */
#define UART_THR 0 /* write: transmit holding register */
#define UART_IER 1 /* interrupt enable */
#define UART_IIR 2 /* read: interrupt identification */
#define UART_FCR 2 /* write: FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define UART_IER_RDI  0x01 /* received data available */
#define UART_IER_THRI 0x02 /* transmit holding register (FIFO) empty */

#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04 /* trigger level bits 7:6 = 0: one byte */

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT2 0x08 /* gates the interrupt line on PC boards */

#define UART_LSR_DR   0x01 /* a received byte is waiting */
#define UART_LSR_THRE 0x20 /* the transmit FIFO is empty */
#define UART_LSR_TEMT 0x40 /* ... and so is the shift register: all sent */

#define UART_FIFO 16 /* bytes the transmit FIFO takes when THRE is set */

static inline uint8_t uart_rd(volatile uint8_t *u, unsigned reg)
{
    return u[reg];
}

static inline void uart_wr(volatile uint8_t *u, unsigned reg, uint8_t v)
{
    u[reg] = v;
}

#endif
