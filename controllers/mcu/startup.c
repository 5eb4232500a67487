/* startup: what runs between reset and main on a Cortex-M4F/M7 (the firmware example).
 *
 * The vector table (initial stack pointer, then the exception handlers the core jumps to) sits
 * at address 0 (mps2.ld). reset_handler turns the FPU on, copies .data from flash to RAM,
 * zeroes .bss and calls main; stack_paint/stack_lowest measure how deep the stack goes.
 * No C library start-up code runs: nothing is allocated and no constructors exist. */
#include <stdint.h>

#include "board.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];

int main(void);
void reset_handler(void);


#define STACK_PAINT 0xa5a5a5a5u

/* every fault ends the run: a firmware check must not hang */
static void fault_handler(void) {
  semihost_write("FAIL: fault exception\n");
  semihost_exit(1);
}

static void default_handler(void) {
  semihost_write("FAIL: unexpected exception\n");
  semihost_exit(1);
}

/* firmware.c's control clock; a program without one gets default_handler */
void systick_handler(void) __attribute__((weak, alias("default_handler")));

/* the Cortex-M vector table: entry 0 is the initial SP, then reset and the 14 system
 * exceptions (ARMv7-M ARM, B1.5.2); the boards' device interrupts follow but none is used.
 * A union, because entry 0 is a data address and the others are code. */
typedef union {
  void *sp;
  void (*handler)(void);
} VectorEntry;

__attribute__((section(".vectors"), used)) static const VectorEntry vectors[16] = {
    {.sp = __stack_top},           /* 0: initial stack pointer */
    {.handler = reset_handler},    /* 1: reset */
    {.handler = default_handler},  /* 2: NMI */
    {.handler = fault_handler},    /* 3: HardFault */
    {.handler = fault_handler},    /* 4: MemManage */
    {.handler = fault_handler},    /* 5: BusFault */
    {.handler = fault_handler},    /* 6: UsageFault */
    {0}, {0}, {0}, {0},            /* 7-10: reserved */
    {.handler = default_handler},  /* 11: SVCall */
    {.handler = default_handler},  /* 12: debug monitor */
    {0},                           /* 13: reserved */
    {.handler = default_handler},  /* 14: PendSV */
    {.handler = systick_handler},  /* 15: SysTick */
};

void reset_handler(void) {
  /* FPU: full access to coprocessors 10 and 11 (CPACR bits 20-23) before any float
   * instruction runs; the barriers make the next instruction see it */
  SCB_CPACR |= 0xfu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");

  for (uint32_t *s = __data_load, *d = __data_start; d < __data_end;) *d++ = *s++;
  for (uint32_t *d = __bss_start; d < __bss_end;) *d++ = 0;

  semihost_exit(main());
}

/* Stack measurement by painting: fill the free stack with a pattern, run the code, and the
 * lowest word no longer holding the pattern is as deep as it went (a pushed word equal to
 * the pattern would hide at most that word). The 64 bytes just below the painter's own
 * stack pointer are left alone: its frame and the caller's are above them. */
void stack_paint(void) {
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *p = __stack_limit; p < sp - 16; p++) *p = STACK_PAINT;
}

uintptr_t stack_lowest(void) {
  uint32_t *p = __stack_limit;
  while (p < __stack_top && *p == STACK_PAINT) p++;
  return (uintptr_t)p;
}
